import { describe, expect, it } from '@jest/globals';
import { ImportTally, countsAgree, parseStatsBlob, statsDrift, type StatusCounts } from './import-report.js';

const counts = (total: number, [p, r, c, f, x]: number[]): StatusCounts => ({
  total, by_status: { PENDING: p, RUNNING: r, COMPLETED: c, FAILED: f, CANCELLED: x },
});

describe('import-report', () => {
  describe(parseStatsBlob.name, () => {
    it('should read the blob as the old service wrote it', () => {
      const blob = '{"total": 2, "by_status": {"PENDING": 1, "RUNNING": 0, "COMPLETED": 1, "FAILED": 0, "CANCELLED": 0}, "last_updated": 1796141945.005952}';
      expect(parseStatsBlob(blob)).toEqual(counts(2, [1, 0, 1, 0, 0]));
    });

    it('should count a status the blob lacks as 0 and give null for no blob or an unreadable one', () => {
      expect(parseStatsBlob('{"total": 1, "by_status": {"PENDING": 1}}')).toEqual(counts(1, [1, 0, 0, 0, 0]));
      for (const json of [null, '', '{', '[]', '{"by_status": {}}']) expect(parseStatsBlob(json)).toBeNull();
    });
  });

  describe(statsDrift.name, () => {
    it('should give blob minus recount per field', () => {
      expect(statsDrift(counts(10, [4, 3, 2, 1, 0]), counts(8, [2, 1, 3, 1, 1]))).toEqual(counts(2, [2, 2, -1, 0, -1]));
    });
  });

  describe(countsAgree.name, () => {
    const stats = { total: 3, byStatus: { PENDING: 1, RUNNING: 0, COMPLETED: 2, FAILED: 0, CANCELLED: 0 }, lastUpdated: 1 };
    const indexed = { all: 3, byName: 3, byStatus: { ...stats.byStatus } };

    it('should agree when the stats equal the index sizes', () => {
      expect(countsAgree({ stats, indexed })).toBe(true);
    });

    it('should disagree on any difference', () => {
      expect(countsAgree({ stats, indexed: { ...indexed, all: 4 } })).toBe(false);
      expect(countsAgree({ stats, indexed: { ...indexed, byStatus: { ...indexed.byStatus, FAILED: 1 } } })).toBe(false);
    });
  });

  describe(ImportTally.name, () => {
    it('should recount the source by its stored status, drift against the blob and merge level changes', () => {
      const sut = new ImportTally();
      sut.source('RUNNING', true);
      sut.source('COMPLETED', false);
      sut.source(undefined, true);
      sut.log({ entries: [], levelChanges: new Map([['"warn"→warning', 2]]), repaired: 1 });
      sut.log({ entries: [], levelChanges: new Map([['"warn"→warning', 1]]), repaired: 0 });
      const report = sut.report({
        dryRun: false, sourcePrefix: 'brain:missions:', statsBlob: '{"total": 5, "by_status": {"COMPLETED": 1}}',
        danglingIndexIds: ['gone'], keyPrefix: 'missions:', tenantId: 'acme', counts: null, elapsedMs: 5,
      });
      expect(report.source).toMatchObject({ missions: 3, notInIndex: 1, danglingIndexIds: ['gone'] });
      expect(report.source.stats).toEqual({
        blob: counts(5, [0, 0, 1, 0, 0]), recount: counts(3, [0, 1, 1, 0, 0]), drift: counts(2, [0, -1, 0, 0, 0]),
      });
      expect(report.target).toMatchObject({ levelChanges: { '"warn"→warning': 3 }, repairedLogEntries: 1, counts: null, countsAgree: null });
    });
  });
});
