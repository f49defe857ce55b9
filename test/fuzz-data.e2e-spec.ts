import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import request from 'supertest';
import { checkProperty, jestTimeout, reportFuzzCounts, type FuzzBudget } from './support/fuzz.js';
import { jsonObject, sameJson } from './support/fuzz-json.js';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { SseClient } from './support/sse-client.js';
import { bearer, token } from './support/tokens.js';

const BUDGET: FuzzBudget = { runs: 40, timeMs: 15_000 };

// Any text the contract's limits allow. Lone surrogates only in `data` (JSON carries them; a
// typed text field refuses them, see test/fuzz-inputs.e2e-spec.ts).
const text = (minLength: number, maxLength: number) =>
  fc.string({ unit: 'binary', minLength, maxLength }).filter((s) => s.length <= maxLength);
const LOG_LEVELS = ['debug', 'info', 'warning', 'error'] as const;

/** (b) Arbitrary JSON through `data` of missions and log entries, read back on every path. */
describe('Fuzz: free-form data round-trips exactly', () => {
  let t: MissionsTestApp;
  let http: ReturnType<typeof request>;
  let events: SseClient;
  const auth = bearer(token({ sub: 'fuzzer', tenant_id: 'fuzz-data' }));
  let counter = 0;

  beforeAll(async () => {
    t = await startMissionsApp('fuzz-data', { demoStepMs: 1 });
    await t.app.listen(0, '127.0.0.1');
    http = request(t.app.getHttpServer());
    events = await SseClient.connect(`http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}/api/missions/events`, auth);
  });
  afterAll(async () => {
    events?.close();
    reportFuzzCounts();
    await t?.close();
  });

  const missionCase = fc.record({
    name: text(1, 200),
    description: fc.option(text(0, 300), { nil: null }),
    data: jsonObject,
    log: fc.record({ level: fc.constantFrom(...LOG_LEVELS), message: text(1, 300), data: jsonObject }),
    execute: fc.boolean(),
  });

  it('should give back data, name, description and log entries exactly as sent, on every read path', async () => {
    await checkProperty('(b) data round-trip', fc.asyncProperty(missionCase, async ({ name, description, data, log, execute }) => {
      const key = `fuzz-data-${++counter}`;
      const body = { name, description, data };
      const created = await http.post('/api/missions').set(auth).set('Idempotency-Key', key).send(body).expect(201);
      const { id } = created.body as { id: string };
      expect(sameJson(created.body, { ...created.body, name, description, data })).toBe(true);

      const read = await http.get(`/api/missions/${encodeURIComponent(id)}`).set(auth).expect(200);
      expect(sameJson(read.body, created.body)).toBe(true);
      const listed = (await http.get('/api/missions?limit=20').set(auth).expect(200)).body.missions as { id: string }[];
      expect(sameJson(listed.find((m) => m.id === id), created.body)).toBe(true);
      const replay = await http.post('/api/missions').set(auth).set('Idempotency-Key', key).send(body).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(sameJson(replay.body, created.body)).toBe(true);

      await http.post(`/api/missions/${id}/log`).set(auth).send(log).expect(202);
      const entries = (await http.get(`/api/missions/${id}/log`).set(auth).expect(200)).body.log as { level: string; message: string; data: unknown }[];
      expect(sameJson(entries[0].data, { name, description })).toBe(true);
      expect(sameJson(entries.at(-1), { ...entries.at(-1), ...log })).toBe(true);

      // The events stream carries the text fields (its envelopes hold no `data`).
      const mine = () => events.events.map((e) => JSON.parse(e.data!)).filter((e) => e.payload.mission_id === id);
      await events.until(() => mine().length >= 2);
      const [createdEvent, loggedEvents] = [mine().find((e) => e.type === 'mission.created'), mine().filter((e) => e.type === 'mission.log_appended')];
      expect(sameJson([createdEvent.payload.name, createdEvent.payload.description], [name, description ?? ''])).toBe(true);
      await events.until(() => mine().filter((e) => e.type === 'mission.log_appended').length >= 2);
      expect(mine().some((e) => e.type === 'mission.log_appended' && e.payload.message === log.message)).toBe(true);
      expect(loggedEvents.length).toBeGreaterThanOrEqual(1);

      if (execute) {
        // The demo handler echoes the mission's data into its step entry.
        await http.post(`/api/missions/${id}/execute`).set(auth).expect(202);
        const step = await eventually(async () =>
          ((await http.get(`/api/missions/${id}/log`).set(auth)).body.log as { message: string; data: { payload: unknown } }[])
            .find((e) => e.message === 'Mission executing step 1'));
        expect(sameJson(step.data.payload, data)).toBe(true);
      }
    }), BUDGET);
  }, jestTimeout(BUDGET));
});
