import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MetricsModule } from '../src/metrics/metrics.module.js';
import { eventually, startMissionsApp, type MissionsTestApp } from './support/missions-app.js';
import { seriesValue } from './support/prometheus-text.js';
import { bearer, token } from './support/tokens.js';

describe('GET /metrics', () => {
  describe('after some traffic', () => {
    let t: MissionsTestApp;
    let http: ReturnType<typeof request>;
    const auth = bearer(token({ sub: 'm', tenant_id: 'metrics' }));
    const scrape = async () => (await http.get('/metrics').expect(200)).text;

    beforeAll(async () => {
      t = await startMissionsApp('metrics', {}, [MetricsModule.forRoot({ allow: ['127.0.0.0/8', '::1'] })]);
      http = request(t.app.getHttpServer());
      await http.post('/api/missions').set(auth).send({ id: 'runs', name: 'runs' }).expect(201);
      await http.post('/api/missions').set(auth).send({ id: 'stops', name: 'stops' }).expect(201);
      await http.post('/api/missions/runs/execute').set(auth).expect(202);
      await http.post('/api/missions/stops/cancel').set(auth).expect(200);
      await http.get('/api/missions/nope').set(auth).expect(404);
      await http.get('/api/missions').expect(401);
      await eventually(async () => (await http.get('/api/missions/runs').set(auth)).body.status === 'COMPLETED');
    });
    afterAll(() => t.close());

    it('should serve the Prometheus text format', async () => {
      const res = await http.get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    });

    it('should count missions created, transitions by from/to and executions by outcome', async () => {
      // Counters follow events emitted after the write: poll until the last one is in.
      const text = await eventually(async () => {
        const s = await scrape();
        return seriesValue(s, 'mission_executions_total{outcome="COMPLETED"}') === 1 ? s : undefined;
      });
      expect(seriesValue(text, 'missions_created_total')).toBe(2);
      expect(seriesValue(text, 'mission_transitions_total{from="PENDING",to="RUNNING"}')).toBe(1);
      expect(seriesValue(text, 'mission_transitions_total{from="RUNNING",to="COMPLETED"}')).toBe(1);
      expect(seriesValue(text, 'mission_transitions_total{from="PENDING",to="CANCELLED"}')).toBe(1);
      // A cancel of a PENDING mission is not the end of an execution.
      expect(seriesValue(text, 'mission_executions_total{outcome="CANCELLED"}')).toBeUndefined();
    });

    it('should time requests by route pattern and status, guards\' answers included', async () => {
      const text = await scrape();
      const count = (method: string, route: string, status: number) =>
        seriesValue(text, `http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"}`);
      expect(count('POST', '/api/missions', 201)).toBe(2);
      expect(count('POST', '/api/missions/:id/execute', 202)).toBe(1);
      expect(count('GET', '/api/missions/:id', 404)).toBe(1);
      expect(count('GET', '/api/missions', 401)).toBe(1);
      expect(text).not.toMatch(/route="\/api\/missions\/runs"/);
    });

    it('should report the event-loop lag', async () => {
      expect(seriesValue(await scrape(), 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    });
  });

  describe('access', () => {
    const apps: MissionsTestApp[] = [];
    const metricsOf = async (options: Parameters<typeof MetricsModule.forRoot>[0]) => {
      const t = await startMissionsApp('metrics-access', {}, [MetricsModule.forRoot(options)]);
      apps.push(t);
      return () => request(t.app.getHttpServer()).get('/metrics');
    };
    afterAll(() => Promise.all(apps.map((t) => t.close())));

    it('should refuse an address outside the allow list, and open to the token', async () => {
      const get = await metricsOf({ token: 'scrape-secret', allow: ['10.0.0.0/8'] });
      const refused = await get().expect(403);
      expect(refused.body).toEqual({ statusCode: 403, message: 'Metrics are not open to this client', error: 'Forbidden' });
      await get().set(bearer('wrong-secret')).expect(403);
      await get().set(bearer('scrape-secret')).expect(200);
    });

    it('should allow loopback by default', async () => {
      await (await metricsOf({}))().expect(200);
    });
  });
});
