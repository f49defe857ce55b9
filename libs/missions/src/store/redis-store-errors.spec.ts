import { describe, expect, it } from '@jest/globals';
import { ReplyError } from 'ioredis';
import { isStoreUnavailable } from './redis-store-errors.js';

describe(isStoreUnavailable.name, () => {
  it.each([
    ['a command timeout', new Error('Command timed out')],
    ['a refused command without offline queue', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['a closed connection', new Error('Connection is closed.')],
    ['a LOADING reply', new ReplyError('LOADING Redis is loading the dataset in memory')],
    ['a BUSY script reply', new ReplyError('BUSY Redis is busy running a script.')],
    ['a READONLY replica reply', new ReplyError("READONLY You can't write against a read only replica.")],
  ])('should read %s as unavailable', (_name, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it.each([
    ['a script error', new ReplyError('ERR user_script:1: Script attempted to access nonexistent global variable')],
    ['a wrong type', new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['a non-error', 'boom'],
  ])('should not read %s as unavailable', (_name, error) => {
    expect(isStoreUnavailable(error)).toBe(false);
  });
});
