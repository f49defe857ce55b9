import { describe, expect, it } from '@jest/globals';
import { isRedisUnavailable } from './redis-unavailable.js';

const named = (name: string, message = 'x'): Error => Object.assign(new Error(message), { name });

describe(isRedisUnavailable.name, () => {
  it.each([
    ['a command timeout', new Error('Command timed out')],
    ['a closed connection', new Error('Connection is closed.')],
    ['a cluster without offline queue', new Error("Cluster isn't ready and enableOfflineQueue options is false")],
    ['too many redirections', new Error('Too many Cluster redirections. Last error: Error: Connection is closed.')],
    ['CLUSTERDOWN', new Error('CLUSTERDOWN The cluster is down')],
    ['a refused connection', new Error('connect ECONNREFUSED 127.0.0.1:7000')],
    ['MaxRetriesPerRequestError', named('MaxRetriesPerRequestError')],
    ['ClusterAllFailedError', named('ClusterAllFailedError')],
  ])('should be true for %s', (_label, error) => {
    expect(isRedisUnavailable(error)).toBe(true);
  });

  it.each([
    ['a script error', new Error('ERR Error running script (call to f_abc): wrong number of arguments')],
    ['a CROSSSLOT error, which is a bug', new Error("CROSSSLOT Keys in request don't hash to the same slot")],
    ['a validation error', new RangeError('limit must be a positive integer')],
    ['a non-error', 'Command timed out'],
  ])('should be false for %s', (_label, error) => {
    expect(isRedisUnavailable(error)).toBe(false);
  });
});
