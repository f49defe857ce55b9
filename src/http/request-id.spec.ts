import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdFor } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function call(incoming?: string | string[]): { id: string; echoed: unknown } {
  const headers: Record<string, unknown> = {};
  const req = { headers: incoming === undefined ? {} : { 'x-request-id': incoming } } as unknown as IncomingMessage;
  const res = { setHeader: (name: string, value: unknown) => (headers[name] = value) } as unknown as ServerResponse;
  const id = requestIdFor(req, res);
  return { id, echoed: headers['X-Request-Id'] };
}

describe(requestIdFor.name, () => {
  it('should keep an acceptable incoming id and echo it', () => {
    expect(call('trace-abc_123:4/5')).toEqual({ id: 'trace-abc_123:4/5', echoed: 'trace-abc_123:4/5' });
    expect(call('x'.repeat(128)).id).toBe('x'.repeat(128));
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['longer than 128', 'x'.repeat(129)],
    ['with a space', 'a b'],
    ['with a newline', 'a\nfake log line'],
    ['non-ASCII', 'idé'],
    ['repeated', ['a', 'b']],
  ])('should generate a UUID for an id that is %s, and echo it', (_, incoming) => {
    const sut = call(incoming);
    expect(sut.id).toMatch(UUID);
    expect(sut.echoed).toBe(sut.id);
  });
});
