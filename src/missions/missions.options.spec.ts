import { describe, expect, it } from '@jest/globals';
import { MissionsOptionsError, resolveMissionsOptions, type MissionsModuleOptions } from './missions.options.js';

const auth = { mode: 'host' } as const;

describe(resolveMissionsOptions.name, () => {
  describe('redis', () => {
    it('should default to the local Redis URL', () => {
      expect(resolveMissionsOptions({ auth }).redis).toEqual({ url: 'redis://127.0.0.1:6379', options: {} });
    });

    it('should keep cluster seed nodes and options', () => {
      const sut = resolveMissionsOptions({ auth, redis: { cluster: { nodes: [{ host: 'a', port: 7000 }], options: { scaleReads: 'master' } } } });
      expect(sut.redis).toEqual({ cluster: { nodes: [{ host: 'a', port: 7000 }], options: { scaleReads: 'master' } } });
    });

    it.each([
      ['no nodes', []],
      ['a node without host', [{ port: 7000 }]],
      ['a port out of range', [{ host: 'a', port: 0 }]],
      ['nodes that are not an array', 'a:7000'],
    ])('should refuse cluster options with %s', (_label, nodes) => {
      const options = { auth, redis: { cluster: { nodes } } } as unknown as MissionsModuleOptions;
      expect(() => resolveMissionsOptions(options)).toThrow(MissionsOptionsError);
      expect(() => resolveMissionsOptions(options)).toThrow(/redis\.cluster\.nodes must be a non-empty array of \{ host, port \}/);
    });
  });
});
