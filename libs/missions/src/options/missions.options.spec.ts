import { describe, expect, it } from '@jest/globals';
import {
  MissionsOptionsError, resolveMissionsOptions, type MissionsExecutionOptions, type MissionsModuleOptions, type MissionsRetentionOptions,
} from './missions.options.js';

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
        lockDurationMs: 5000, stalledIntervalMs: 5000, statusCheckMs: 500, recoveryGraceMs: 5000, recoveryIntervalMs: 1000, shutdownGraceMs: 5000,
      });
    });

    it('should keep every valid setting', () => {
      const execution = {
        mode: 'bullmq', role: 'worker', queueName: 'jobs.v2', missingHandler: 'demo', concurrency: 2, attempts: 1, backoffMs: 0, timeoutMs: 500,
        lockDurationMs: 1000, stalledIntervalMs: 500, statusCheckMs: 100, recoveryGraceMs: 2000, recoveryIntervalMs: 200, shutdownGraceMs: 0,
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
      [{ shutdownGraceMs: -1 }, 'execution.shutdownGraceMs'],
      [{ recoveryGraceMs: 99 }, 'execution.recoveryGraceMs'],
      [{ recoveryIntervalMs: 0 }, 'execution.recoveryIntervalMs'],
      [{ missingHandler: 'ignore' }, 'execution.missingHandler'],
    ])('should refuse %p naming %s', (execution, name) => {
      const sut = () => resolveExecution(execution as MissionsExecutionOptions);
      expect(sut).toThrow(MissionsOptionsError);
      expect(sut).toThrow(name);
    });
  });

  describe('retention', () => {
    it('should be off by default and with no age given', () => {
      expect(resolveMissionsOptions(base).retention).toBeNull();
      expect(resolveMissionsOptions({ ...base, retention: { batchSize: 10 } }).retention).toBeNull();
    });

    it('should keep ages per status in ms, with the documented defaults', () => {
      expect(resolveMissionsOptions({ ...base, retention: { COMPLETED: 86_400, CANCELLED: 60 } }).retention).toEqual({
        agesMs: { COMPLETED: 86_400_000, CANCELLED: 60_000 }, sweepIntervalMs: 1000, batchSize: 500, tenantsPerSweep: 100,
      });
      expect(resolveMissionsOptions({ ...base, retention: { FAILED: 1, sweepIntervalMs: 50, batchSize: 3, tenantsPerSweep: 2 } }).retention)
        .toEqual({ agesMs: { FAILED: 1000 }, sweepIntervalMs: 50, batchSize: 3, tenantsPerSweep: 2 });
    });

    it.each([
      [{ COMPLETED: 0 }, 'retention.COMPLETED'],
      [{ FAILED: 1.5 }, 'retention.FAILED'],
      [{ CANCELLED: 4e9 }, 'retention.CANCELLED'],
      [{ COMPLETED: 60, batchSize: 0 }, 'retention.batchSize'],
      [{ COMPLETED: 60, sweepIntervalMs: 1 }, 'retention.sweepIntervalMs'],
      [{ COMPLETED: 60, tenantsPerSweep: -1 }, 'retention.tenantsPerSweep'],
      [{ PENDING: 60 }, 'retention has unknown keys PENDING'],
    ])('should refuse %p naming %s', (retention, name) => {
      const sut = () => resolveMissionsOptions({ ...base, retention: retention as MissionsRetentionOptions });
      expect(sut).toThrow(MissionsOptionsError);
      expect(sut).toThrow(name);
    });
  });
});
