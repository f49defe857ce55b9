import { describe, expect, it } from '@jest/globals';
import { MissionsOptionsError, resolveMissionsOptions, type MissionsExecutionOptions, type MissionsModuleOptions } from './missions.options.js';

const base: MissionsModuleOptions = { auth: { mode: 'host' } };
const resolveExecution = (execution?: MissionsExecutionOptions) => resolveMissionsOptions({ ...base, execution });

describe(resolveMissionsOptions.name, () => {
  describe('redis', () => {
    it('should default to the local Redis URL', () => {
      expect(resolveMissionsOptions(base).redis).toEqual({ url: 'redis://127.0.0.1:6379', options: {} });
    });

    it('should keep cluster seed nodes and options', () => {
      const sut = resolveMissionsOptions({ ...base, redis: { cluster: { nodes: [{ host: 'a', port: 7000 }], options: { scaleReads: 'master' } } } });
      expect(sut.redis).toEqual({ cluster: { nodes: [{ host: 'a', port: 7000 }], options: { scaleReads: 'master' } } });
    });

    it.each([
      ['no nodes', []],
      ['a node without host', [{ port: 7000 }]],
      ['a port out of range', [{ host: 'a', port: 0 }]],
      ['nodes that are not an array', 'a:7000'],
    ])('should refuse cluster options with %s', (_label, nodes) => {
      const options = { ...base, redis: { cluster: { nodes } } } as unknown as MissionsModuleOptions;
      expect(() => resolveMissionsOptions(options)).toThrow(MissionsOptionsError);
      expect(() => resolveMissionsOptions(options)).toThrow(/redis\.cluster\.nodes must be a non-empty array of \{ host, port \}/);
    });
  });

  describe('rateLimit', () => {
    it('should be off when absent or with 0 points', () => {
      expect(resolveMissionsOptions(base).rateLimit).toBeNull();
      expect(resolveMissionsOptions({ ...base, rateLimit: { points: 0, durationSeconds: 60 } }).rateLimit).toBeNull();
    });

    it('should keep a valid limit', () => {
      expect(resolveMissionsOptions({ ...base, rateLimit: { points: 5, durationSeconds: 1 } }).rateLimit).toEqual({ points: 5, durationSeconds: 1 });
    });

    it.each([
      ['a fractional point count', { points: 1.5, durationSeconds: 60 }, /rateLimit\.points/],
      ['a negative point count', { points: -1, durationSeconds: 60 }, /rateLimit\.points/],
      ['a zero window', { points: 5, durationSeconds: 0 }, /rateLimit\.durationSeconds/],
      ['no window', { points: 5 } as { points: number; durationSeconds: number }, /rateLimit\.durationSeconds/],
    ])('should refuse %s, naming the setting', (_name, rateLimit, message) => {
      expect(() => resolveMissionsOptions({ ...base, rateLimit })).toThrow(MissionsOptionsError);
      expect(() => resolveMissionsOptions({ ...base, rateLimit })).toThrow(message);
    });
  });

  describe('execution', () => {
    it('should run in-process by default, with the documented BullMQ defaults', () => {
      expect(resolveExecution().execution).toEqual({
        mode: 'in-process', role: 'all', queueName: 'missions', missingHandler: 'fail', concurrency: 10, attempts: 3, backoffMs: 1000, timeoutMs: 0,
        lockDurationMs: 30_000, stalledIntervalMs: 30_000, statusCheckMs: 500, recoveryGraceMs: 5000, recoveryIntervalMs: 1000,
      });
    });

    it('should keep every valid setting', () => {
      const execution = {
        mode: 'bullmq', role: 'worker', queueName: 'jobs.v2', missingHandler: 'demo', concurrency: 2, attempts: 1, backoffMs: 0, timeoutMs: 500,
        lockDurationMs: 1000, stalledIntervalMs: 500, statusCheckMs: 100, recoveryGraceMs: 2000, recoveryIntervalMs: 200,
      } as const;
      expect(resolveExecution(execution).execution).toEqual(execution);
    });

    it.each([
      [{ mode: 'redis' }, 'execution.mode'],
      [{ role: 'web' }, 'execution.role'],
      [{ queueName: 'a:b' }, 'execution.queueName'],
      [{ concurrency: 0 }, 'execution.concurrency'],
      [{ attempts: 1.5 }, 'execution.attempts'],
      [{ backoffMs: -1 }, 'execution.backoffMs'],
      [{ lockDurationMs: 10 }, 'execution.lockDurationMs'],
      [{ recoveryGraceMs: 99 }, 'execution.recoveryGraceMs'],
      [{ recoveryIntervalMs: 0 }, 'execution.recoveryIntervalMs'],
      [{ missingHandler: 'ignore' }, 'execution.missingHandler'],
    ])('should refuse %p naming %s', (execution, name) => {
      const sut = () => resolveExecution(execution as MissionsExecutionOptions);
      expect(sut).toThrow(MissionsOptionsError);
      expect(sut).toThrow(name);
    });
  });
});
