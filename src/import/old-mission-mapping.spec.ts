import { describe, expect, it } from '@jest/globals';
import { IMPORTED_CREATED_BY, idRefusal, interruptionEntries, mapOldMission, type ImportTarget } from './old-mission-mapping.js';

const target: ImportTarget = { tenantId: 'acme', nowMs: 1_800_000_000_000 };
// As the old service's Pydantic model wrote it (see the issue).
const deploy = {
  name: 'Deploy v2.0', description: 'Deploy new version', data: { env: 'production' }, id: 'deploy-1',
  status: 'COMPLETED', created_at: 1796141944.9994082, updated_at: 1796141945.0057294,
};

describe('old-mission-mapping', () => {
  describe(mapOldMission.name, () => {
    it('should keep every field and round the timestamps to the millisecond', () => {
      const sut = mapOldMission('deploy-1', deploy, target);
      expect(sut).toEqual({
        kind: 'mission',
        interrupted: false,
        mission: {
          id: 'deploy-1', name: 'Deploy v2.0', description: 'Deploy new version', data: { env: 'production' },
          status: 'COMPLETED', createdAt: 1796141944999, updatedAt: 1796141945006,
          tenantId: 'acme', createdBy: IMPORTED_CREATED_BY, version: 1,
        },
      });
    });

    it('should default a missing description to null, data to {} and updated_at to created_at', () => {
      const { name, status, created_at } = deploy;
      const sut = mapOldMission('m', { name, status, created_at, description: null, data: null }, { ...target, tenantId: null });
      expect(sut).toMatchObject({ kind: 'mission', mission: { description: null, data: {}, updatedAt: 1796141944999, tenantId: null } });
    });

    it('should turn a RUNNING mission into FAILED at the import time, one version on', () => {
      const sut = mapOldMission('run-1', { ...deploy, id: 'run-1', status: 'RUNNING' }, target);
      expect(sut).toMatchObject({ kind: 'mission', interrupted: true, mission: { status: 'FAILED', updatedAt: target.nowMs, version: 2 } });
    });

    it.each([
      ['not a JSON object', null, 'unreadable_json'],
      ['an id the record contradicts', { ...deploy, id: 'other' }, 'id_mismatch'],
      ['no name', { ...deploy, name: undefined }, 'missing_field'],
      ['no status', { ...deploy, status: null }, 'missing_field'],
      ['no created_at', { ...deploy, created_at: undefined }, 'missing_field'],
      ['a name that is not a string', { ...deploy, name: 42 }, 'invalid_field'],
      ['a description that is not a string', { ...deploy, description: ['x'] }, 'invalid_field'],
      ['data that is an array', { ...deploy, data: [1] }, 'invalid_field'],
      ['an unknown status', { ...deploy, status: 'DONE' }, 'invalid_field'],
      ['a created_at that is a string', { ...deploy, created_at: '2026-01-01' }, 'invalid_field'],
      ['a negative created_at', { ...deploy, created_at: -1 }, 'invalid_field'],
      ['an updated_at that is not a number', { ...deploy, updated_at: true }, 'invalid_field'],
    ])('should skip a record with %s', (_, record, reason) => {
      expect(mapOldMission('deploy-1', record, target)).toMatchObject({ kind: 'skipped', id: 'deploy-1', reason, detail: expect.any(String) });
    });

    it('should skip an id the new rules refuse, whatever the record', () => {
      expect(mapOldMission('has space', { ...deploy, id: 'has space' }, target)).toMatchObject({ kind: 'skipped', reason: 'id_refused' });
    });
  });

  describe(idRefusal.name, () => {
    it.each(['deploy-1', 'a', '3d67f2c0-0000-4000-8000-000000000000', 'x.y:z_1', 'h'.repeat(128), 'healthy'])('should take %p', (id) => {
      expect(idRefusal(id)).toBeNull();
    });

    it.each(['', 'has space', '_leading', '-x', 'ünï', 'a/b', 'h'.repeat(129), 'health', 'STATS', 'Events'])('should refuse %p', (id) => {
      expect(idRefusal(id)).toEqual(expect.any(String));
    });
  });

  describe(interruptionEntries.name, () => {
    it('should log the failure as an error, then the status change, at the given time', () => {
      const sut = interruptionEntries(1_800_000_000_123);
      expect(sut.map(({ level, timestamp }) => [level, timestamp])).toEqual([['error', 1_800_000_000.123], ['info', 1_800_000_000.123]]);
      expect(sut[1]).toMatchObject({ message: 'Mission status changed', data: { from: 'RUNNING', to: 'FAILED' } });
    });
  });
});
