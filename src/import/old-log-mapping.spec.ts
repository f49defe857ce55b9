import { describe, expect, it } from '@jest/globals';
import { mapLogLevel, mapOldLog, parseObject } from './old-log-mapping.js';

const entry = (fields: Record<string, unknown>): string => JSON.stringify({ timestamp: 1796141945.002823, level: 'info', message: 'm', data: {}, ...fields });

describe('old-log-mapping', () => {
  describe(mapLogLevel.name, () => {
    it.each([
      ['debug', 'debug'], ['info', 'info'], ['warning', 'warning'], ['error', 'error'],
      ['warn', 'warning'], ['WARNING', 'warning'], [' Warn ', 'warning'], ['critical', 'error'], ['FATAL', 'error'],
      ['exception', 'error'], ['trace', 'debug'], ['verbose', 'debug'], ['notice', 'info'],
      ['success', 'info'], ['', 'info'], [undefined, 'info'], [42, 'info'], [null, 'info'],
    ])('should map %p to %p', (level, expected) => {
      expect(mapLogLevel(level)).toBe(expected);
    });
  });

  describe(mapOldLog.name, () => {
    it('should keep a well-formed entry exactly, timestamp included', () => {
      const json = '{"timestamp":1796141945.002823,"level":"info","message":"Mission created","data":{"name":"Deploy v2.0","description":"Deploy new version"}}';
      const sut = mapOldLog([json], 1);
      expect(sut.entries).toEqual([JSON.parse(json)]);
      expect(sut).toMatchObject({ repaired: 0, levelChanges: new Map() });
    });

    it('should map a level outside the four and keep the original in data', () => {
      const sut = mapOldLog([entry({ level: 'warn' }), entry({ level: 'CRITICAL', data: { disk: '/var' } }), entry({ level: 'warn' })], 1);
      expect(sut.entries.map((e) => [e.level, e.data])).toEqual([
        ['warning', { original_level: 'warn' }],
        ['error', { disk: '/var', original_level: 'CRITICAL' }],
        ['warning', { original_level: 'warn' }],
      ]);
      expect(sut.levelChanges).toEqual(new Map([['"warn"→warning', 2], ['"CRITICAL"→error', 1]]));
    });

    it('should never overwrite a data key the client wrote', () => {
      const sut = mapOldLog([entry({ level: 'warn', data: { original_level: 'theirs' } })], 1);
      expect(sut.entries[0].data).toEqual({ original_level: 'theirs' });
    });

    it('should keep an unreadable entry in place, raw, at the previous entry\'s time', () => {
      const sut = mapOldLog([entry({ timestamp: 5 }), '{"timestamp": NaN, "level": "info"}', '[1]'], 1);
      expect(sut.entries).toHaveLength(3);
      expect(sut.entries[1]).toEqual({ timestamp: 5, level: 'info', message: 'Unreadable log entry kept by the import', data: { raw: '{"timestamp": NaN, "level": "info"}' } });
      expect(sut.entries[2].data).toEqual({ raw: '[1]' });
      expect(sut.repaired).toBe(2);
    });

    it('should repair a bad timestamp, message or data and say what it was', () => {
      const sut = mapOldLog([entry({ timestamp: 'yesterday', message: { text: 'hi' }, data: 'plain' }), entry({ timestamp: undefined, message: undefined, data: undefined })], 7.5);
      expect(sut.entries).toEqual([
        { timestamp: 7.5, level: 'info', message: '{"text":"hi"}', data: { value: 'plain', original_timestamp: 'yesterday' } },
        { timestamp: 7.5, level: 'info', message: '', data: {} },
      ]);
      expect(sut.repaired).toBe(2);
    });

    it('should record a missing level as mapped from (none)', () => {
      const sut = mapOldLog([entry({ level: undefined })], 1);
      expect(sut.entries[0]).toMatchObject({ level: 'info', data: {} });
      expect(sut.levelChanges).toEqual(new Map([['(none)→info', 1]]));
    });
  });

  describe(parseObject.name, () => {
    it('should give null for anything but a JSON object', () => {
      expect(parseObject('{"a":1}')).toEqual({ a: 1 });
      for (const json of ['', '{', 'null', '[]', '"s"', '1', 'NaN']) expect(parseObject(json)).toBeNull();
    });
  });
});
