import { describe, expect, it } from '@jest/globals';
import { importOptionalPeer, OptionalPeerMissingError } from './optional-peer-missing.error.js';

const notFound = (name: string): Error =>
  Object.assign(new Error(`Cannot find package '${name}' imported from /app/node_modules/missions/dist/x.js`), { code: 'ERR_MODULE_NOT_FOUND' });

describe(importOptionalPeer.name, () => {
  it('should return what the loader loads', async () => {
    await expect(importOptionalPeer('feature', ['bullmq'], async () => 42)).resolves.toBe(42);
  });

  it('should name the feature and the install command when a listed peer is missing', async () => {
    const sut = importOptionalPeer(`execution.mode 'bullmq'`, ['bullmq'], () => Promise.reject(notFound('bullmq')));
    await expect(sut).rejects.toThrow(OptionalPeerMissingError);
    await expect(sut).rejects.toThrow(`execution.mode 'bullmq' needs bullmq installed in the host app: npm install bullmq`);
  });

  it('should treat a missing file of a listed peer (CommonJS require) as the peer missing', async () => {
    const error = Object.assign(new Error(`Cannot find module 'passport/lib/x'\nRequire stack: …`), { code: 'MODULE_NOT_FOUND' });
    await expect(importOptionalPeer('jwt', ['passport'], () => Promise.reject(error))).rejects.toThrow(OptionalPeerMissingError);
  });

  it('should rethrow a missing package that is not one of the listed peers', async () => {
    const error = notFound('ioredis');
    await expect(importOptionalPeer('feature', ['bullmq'], () => Promise.reject(error))).rejects.toBe(error);
  });

  it('should rethrow any other error of the loaded code', async () => {
    const error = new TypeError('boom');
    await expect(importOptionalPeer('feature', ['bullmq'], () => Promise.reject(error))).rejects.toBe(error);
  });
});
