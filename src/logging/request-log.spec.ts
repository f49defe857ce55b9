import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import type { FinishedRequest } from '../http/request-events.js';
import { redactUrl, requestLogger } from './request-log.js';

function logged(overrides: Partial<FinishedRequest>, level: 'info' | 'warn' = 'info'): Record<string, unknown>[] {
  const lines: string[] = [];
  const sut = requestLogger(pino({ level }, { write: (line: string) => void lines.push(line) }));
  sut({
    requestId: 'r-1', method: 'GET', route: '/api/missions/:id', url: '/api/missions/m-1', status: 200,
    durationMs: 1.23456, completed: true, principal: { principal_id: 'alice', tenant_id: 'acme', app_id: null, roles: [] },
    ...overrides,
  });
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe(requestLogger.name, () => {
  it('should write one line with what an operator needs, and no headers', () => {
    const [line] = logged({});
    expect(line).toMatchObject({
      level: 30, req_id: 'r-1', method: 'GET', route: '/api/missions/:id', url: '/api/missions/m-1', status: 200,
      duration_ms: 1.23, principal_id: 'alice', tenant_id: 'acme', msg: 'GET /api/missions/m-1 200 1.23 ms',
    });
    expect(Object.keys(line)).not.toContain('headers');
  });

  it('should log 4xx and a client that went away at warn, 5xx at error', () => {
    expect(logged({ status: 404 })[0]).toMatchObject({ level: 40 });
    expect(logged({ completed: false })[0]).toMatchObject({ level: 40, aborted: true });
    expect(logged({ status: 503 })[0]).toMatchObject({ level: 50 });
  });

  it('should leave out probes and lines under the level', () => {
    expect(logged({ url: '/health/ready' })).toEqual([]);
    expect(logged({}, 'warn')).toEqual([]);
  });

  it('should leave out the principal of an anonymous request', () => {
    expect(Object.keys(logged({ principal: undefined })[0])).not.toContain('principal_id');
  });
});

describe('redactUrl', () => {
  it('should hide an access_token in the query, and leave other URLs as they are', () => {
    expect(redactUrl('/api/missions/events?x=1&access_token=eyJ.a.b&y=2')).toBe('/api/missions/events?x=1&access_token=[Redacted]&y=2');
    expect(redactUrl('/api/missions?limit=5')).toBe('/api/missions?limit=5');
  });
});
