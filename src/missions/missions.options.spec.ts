import { describe, expect, it } from '@jest/globals';
import { MissionsOptionsError, resolveMissionsOptions, type MissionsExecutionOptions } from './missions.options.js';

const resolve = (execution?: MissionsExecutionOptions) => resolveMissionsOptions({ auth: { mode: 'host' }, execution });

describe(resolveMissionsOptions.name, () => {
  describe('execution', () => {
    it('should run in-process by default, with the documented BullMQ defaults', () => {
      expect(resolve().execution).toEqual({
        mode: 'in-process', role: 'all', queueName: 'missions', concurrency: 10, attempts: 3, backoffMs: 1000, timeoutMs: 0,
        lockDurationMs: 30_000, stalledIntervalMs: 30_000, statusCheckMs: 500,
      });
    });

    it('should keep every valid setting', () => {
      const execution = {
        mode: 'bullmq', role: 'worker', queueName: 'jobs.v2', concurrency: 2, attempts: 1, backoffMs: 0, timeoutMs: 500,
        lockDurationMs: 1000, stalledIntervalMs: 500, statusCheckMs: 100,
      } as const;
      expect(resolve(execution).execution).toEqual(execution);
    });

    it.each([
      [{ mode: 'redis' }, 'execution.mode'],
      [{ role: 'web' }, 'execution.role'],
      [{ queueName: 'a:b' }, 'execution.queueName'],
      [{ concurrency: 0 }, 'execution.concurrency'],
      [{ attempts: 1.5 }, 'execution.attempts'],
      [{ backoffMs: -1 }, 'execution.backoffMs'],
      [{ lockDurationMs: 10 }, 'execution.lockDurationMs'],
    ])('should refuse %p naming %s', (execution, name) => {
      const sut = () => resolve(execution as MissionsExecutionOptions);
      expect(sut).toThrow(MissionsOptionsError);
      expect(sut).toThrow(name);
    });
  });
});
