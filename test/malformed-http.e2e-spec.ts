import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { rawRequest } from './support/raw-http.js';
import { token } from './support/tokens.js';

/** What the server writes back to raw bytes, until it closes the connection. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
  });
}

describe('HTTP the parser cannot read', () => {
  let t: MissionsTestApp;
  let port: number;

  beforeAll(async () => {
    t = await startMissionsApp('malformed-http', {}, [], { bodyLimitBytes: 262_144, corsOrigins: [] });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await t.close();
  });

  it('should answer a garbage request line with 400, Nest\'s error body and the security headers', async () => {
    const answer = await exchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    const [head, body] = answer.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(head.toLowerCase()).toContain('x-content-type-options: nosniff');
    expect(head.toLowerCase()).not.toContain('x-powered-by');
    expect(JSON.parse(body)).toEqual({ statusCode: 400, message: 'Malformed HTTP request', error: 'Bad Request' });
  });

  // Found by test/fuzz-inputs: Node sends a DELETE body without a length, so the server reads it as a second request.
  it('should answer a DELETE whose body the server reads as a second request the same way', async () => {
    const res = await rawRequest(port, { method: 'DELETE', path: '/api/missions/health', headers: { authorization: `Bearer ${token({ sub: 'x' })}` }, body: '\u0000' });
    expect(res.status).toBe(400);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });
});
