// Page functions passed to page.evaluate run in the browser.
/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { MissionsService } from '../libs/missions/src/core/missions.service.js';
import { MissionsModule } from '../libs/missions/src/missions.module.js';
import { DEV_JWT_SECRET } from '../src/config/env.js';
import { builtMain } from './support/built-service.js';
import { launchChromium, outputDir } from './support/chromium.js';
import { freePort } from './support/ports.js';
import { PrivateRedis } from './support/private-redis.js';
import { ServiceProcess } from './support/service-process.js';
import { token } from './support/tokens.js';

// Two demo steps of this long: time to see RUNNING, and to cancel it.
const STEP_MS = 1500;
// The budgets the README states; the spec fails past them (first render: generous, the machine is shared).
const JS_GZIP_BUDGET = 20 * 1024;
const FIRST_RENDER_LIMIT_MS = 5000;
const SEEDED = 10_000;
const KEY_PREFIX = 'dashboard:';


/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the built
 * service on a private Redis: sign-in, create, run, cancel, a lost race, search, a second
 * operator seeing changes live, a Redis restart, a refused token, and 10k missions.
 */
describe('Operator dashboard in Chromium', () => {
  const shots = outputDir('dashboard');
  const figures: string[] = [];
  let redis: PrivateRedis;
  let service: ServiceProcess;
  let browser: Browser;
  let base: string;
  let a: Page;
  let b: Page;
  const contexts: BrowserContext[] = [];
  const devToken = (tenant: string) => token({ sub: 'second-operator', tenant_id: tenant }, {}, DEV_JWT_SECRET);
  const api = async (method: string, path: string, body?: unknown, tenant = 'dev') => {
    const response = await fetch(`${base}/api/missions${path}`, {
      method, headers: { Authorization: `Bearer ${devToken(tenant)}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (response.status === 204 ? null : await response.json()) as { id: string; status: string } };
  };
  const newPage = async (width = 1280) => {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => figures.push(`page error: ${error.message}`));
    return page;
  };
  const signInWithToken = async (page: Page, jwt: string) => {
    await page.goto(`${base}/ui/`);
    await page.getByLabel('Bearer token (JWT)').fill(jwt);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await connection(page, 'live');
  };
  const connection = (page: Page, state: string, timeout = 10_000) => page.locator(`[data-connection="${state}"]`).waitFor({ timeout });
  const row = (page: Page, id: string) => page.locator(`[data-mission-id="${id}"]`);
  const detailStatus = (page: Page) => page.locator('[data-detail-status]');
  const tile = (page: Page, status: string) => page.locator(`[data-tile="${status}"] .tile-count`);
  const shot = (page: Page, name: string) => page.screenshot({ path: `${shots}${name}.png`, fullPage: true });
  const createFromForm = async (page: Page, name: string, options: { data?: string; execute?: boolean } = {}) => {
    const form = page.getByRole('form', { name: 'New mission' });
    if (!(await form.isVisible())) await page.getByText('New mission', { exact: true }).click();
    await form.getByLabel('Name', { exact: true }).fill(name);
    if (options.data) await form.getByLabel('Data (JSON object)').fill(options.data);
    if (options.execute) await form.getByLabel('Execute right away').check();
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/missions');
    await form.getByRole('button', { name: 'Create' }).click();
    const response = await created;
    expect(response.status()).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };

  /** Creates `count` missions through the library in this process: the same atomic script as the API, without HTTP. */
  const seed = async (tenant: string, count: number) => {
    const moduleRef = await Test.createTestingModule({
      imports: [EventEmitterModule.forRoot(), MissionsModule.forRoot({
        // The private Redis fsyncs every write: on a loaded machine a create may take longer than the fail-fast 500 ms.
        redis: { url: redis.url, options: { commandTimeout: 10_000 } }, keyPrefix: KEY_PREFIX, auth: { mode: 'host' },
      })],
    }).compile();
    await moduleRef.init();
    try {
      const missions = moduleRef.get(MissionsService);
      const principal = { principal_id: 'seeder', tenant_id: tenant, app_id: null, roles: [] };
      let next = 0;
      const worker = async () => {
        while (next < count) await missions.create(principal, { name: `bulk ${String(next++).padStart(5, '0')}` });
      };
      await Promise.all(Array.from({ length: 16 }, worker));
    } finally {
      await moduleRef.close();
    }
  };

  /** Opens the page signed in to `tenant`; when counts and the first page were both on screen, and the steps to it. */
  const firstRender = async (tenant: string) => {
    const page = await newPage();
    await page.addInitScript((jwt) => sessionStorage.setItem('missions.token', jwt), devToken(tenant));
    await page.goto(`${base}/ui/`);
    await page.waitForFunction(() => performance.getEntriesByName('missions:first-render').length > 0, undefined, { timeout: 15_000 });
    const { ms, steps } = await page.evaluate(() => {
      const mark = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const loaded = (test: (path: string) => boolean) => entries.find((e) => test(new URL(e.name).pathname))?.responseEnd ?? NaN;
      const steps = `script ${loaded((p) => p.endsWith('.js')).toFixed(0)} ms, stream open ${mark('missions:stream-open').toFixed(0)} ms, ` +
        `counts ${loaded((p) => p.endsWith('/stats/overview')).toFixed(0)} ms, first page ${loaded((p) => p === '/api/missions').toFixed(0)} ms`;
      return { ms: mark('missions:first-render'), steps };
    });
    return { page, ms, steps };
  };

  beforeAll(async () => {
    const { main } = builtMain();
    redis = await PrivateRedis.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // No JWT_SECRET: the development secret, so the sign-in page can mint a token.
    service = ServiceProcess.start('dashboard-service', main, {
      PORT: String(port), REDIS_URL: redis.url, MISSIONS_KEY_PREFIX: KEY_PREFIX, REDIS_CLUSTER_NODES: '', JWT_SECRET: '', JWT_PUBLIC_KEY: '', JWT_JWKS_URI: '',
      NODE_ENV: 'test', LOG_LEVEL: 'info', MISSIONS_DEMO_STEP_MS: String(STEP_MS), MISSIONS_SSE_HEARTBEAT_MS: '5000',
    });
    await service.waitForOutput('Missions listening');
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await service?.kill();
    await redis?.stop();
    if (figures.length > 0) console.log(`Dashboard figures:\n  ${figures.join('\n  ')}`);
  });

  it('should stay within its JavaScript budget', () => {
    const dir = new URL('../libs/missions/dist/ui/assets/', import.meta.url).pathname;
    const js = readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(dir + f));
    const gzipped = js.reduce((sum, file) => sum + gzipSync(file, { level: 9 }).length, 0);
    figures.push(`JS: ${js.reduce((s, f) => s + f.length, 0)} B, ${gzipped} B gzipped (budget ${JS_GZIP_BUDGET} B)`);
    expect(gzipped).toBeLessThanOrEqual(JS_GZIP_BUDGET);
  });

  it('should sign in with a minted development token and keep it for the tab only', async () => {
    a = await newPage();
    await a.goto(`${base}/ui`);
    await shot(a, '01-sign-in');
    await a.getByRole('button', { name: 'Mint a dev token' }).click();
    await connection(a, 'live');
    expect(await a.evaluate(() => sessionStorage.getItem('missions.token'))).toMatch(/^ey/);
    // Another tab of the same browser profile starts signed out.
    const other = await a.context().newPage();
    await other.goto(`${base}/ui/`);
    await other.getByLabel('Bearer token (JWT)').waitFor();
    await other.close();
  });

  it('should create a mission from the form and show it go RUNNING, then COMPLETED, without a reload', async () => {
    await a.evaluate(() => ((window as unknown as { marker: boolean }).marker = true));
    const id = await createFromForm(a, 'Deploy v2.0', { data: '{"env": "production"}' });
    await expect(detailStatus(a).textContent()).resolves.toBe('PENDING');
    await expect(a.locator('pre.json').textContent()).resolves.toContain('"env": "production"');
    await expect(row(a, id).getAttribute('data-status')).resolves.toBe('PENDING');
    await a.getByRole('button', { name: 'Execute', exact: true }).click();
    await detailStatus(a).filter({ hasText: 'RUNNING' }).waitFor();
    await expect(a.getByRole('button', { name: 'Execute', exact: true }).isDisabled()).resolves.toBe(true);
    await a.getByText('Mission executing step 1').waitFor();
    await shot(a, '02-running');
    await detailStatus(a).filter({ hasText: 'COMPLETED' }).waitFor({ timeout: 15_000 });
    await row(a, id).and(a.locator('[data-status="COMPLETED"]')).waitFor();
    await a.getByText('Mission execution finished').waitFor();
    await expect(tile(a, 'COMPLETED').textContent()).resolves.toBe('1');
    await expect(a.getByRole('button', { name: 'Cancel', exact: true }).isDisabled()).resolves.toBe(true);
    expect(await a.evaluate(() => (window as unknown as { marker?: boolean }).marker)).toBe(true);
    await shot(a, '03-completed');
  });

  it('should cancel a running mission', async () => {
    const id = await createFromForm(a, 'Backfill orders', { execute: true });
    await detailStatus(a).filter({ hasText: 'RUNNING' }).waitFor();
    await a.getByRole('button', { name: 'Cancel', exact: true }).click();
    await detailStatus(a).filter({ hasText: 'CANCELLED' }).waitFor();
    await row(a, id).and(a.locator('[data-status="CANCELLED"]')).waitFor();
    await expect(tile(a, 'CANCELLED').textContent()).resolves.toBe('1');
    await new Promise((resolve) => setTimeout(resolve, STEP_MS * 2));
    expect((await api('GET', `/${id}`)).body.status).toBe('CANCELLED');
  });

  it("should show the API's error when another operator's change wins the race", async () => {
    const id = await createFromForm(a, 'Race me', { execute: true });
    await detailStatus(a).filter({ hasText: 'RUNNING' }).waitFor();
    // Someone else cancels it just before this page's request reaches the service.
    await a.route(`**/api/missions/${id}/status`, async (route) => {
      expect((await api('POST', `/${id}/cancel`)).status).toBe(200);
      await route.continue();
    });
    await a.getByRole('button', { name: 'Mark completed' }).click();
    const error = a.locator('[data-action-error]');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^Mark COMPLETED: .*CANCELLED/);
    await detailStatus(a).filter({ hasText: 'CANCELLED' }).waitFor();
    await expect(a.getByRole('button', { name: 'Mark completed' }).isDisabled()).resolves.toBe(true);
    await a.unroute(`**/api/missions/${id}/status`);
  });

  it('should find missions by name prefix, case-insensitively, ordered by name', async () => {
    for (const name of ['alpha two', 'Alpha one', 'Beta', 'ALPHA three']) expect((await api('POST', '', { name })).status).toBe(201);
    await a.goto(`${base}/ui/#/`);
    await a.getByRole('searchbox').fill('alP');
    const names = a.locator('.list li .name');
    try {
      const expected = ['Alpha one', 'ALPHA three', 'alpha two'];
      await a.waitForFunction((n) => document.querySelectorAll('.list li').length === n, expected.length, { timeout: 5000 }).catch(() => undefined);
      expect(await names.allTextContents()).toEqual(expected);
      await expect(a.locator('select').isDisabled()).resolves.toBe(true);
      // A new match appears in its place while the search is shown.
      expect((await api('POST', '', { name: 'alpha four' })).status).toBe(201);
      await a.locator('.list li .name', { hasText: 'alpha four' }).waitFor();
      expect(await names.allTextContents()).toEqual(['alpha four', ...expected]);
      await shot(a, '04-search');
    } finally {
      await a.getByRole('searchbox').fill('');
    }
  });

  it("should show one operator's changes to another within 1 s", async () => {
    b = await newPage();
    await signInWithToken(b, devToken('dev'));
    await a.goto(`${base}/ui/#/`);
    await connection(a, 'live');
    // When the row shows up in B (a MutationObserver, so no polling delay), on the browser's clock.
    const visibleAt = (selector: string) => b.evaluate((sel) => new Promise<number>((resolve) => {
      const check = () => document.querySelector(sel) && (observer.disconnect(), resolve(Date.now()));
      const observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
      check();
    }), selector);
    // When A's write was answered, on the same clock (one browser, one machine).
    const answeredAt = (path: string, method: string) => a.evaluate(([p, m]) => {
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const entry = entries.filter((e) => new URL(e.name).pathname === p && e.initiatorType === 'fetch').pop()!;
      return { at: performance.timeOrigin + entry.responseEnd, method: m };
    }, [path, method]);

    const id = await createFromForm(a, 'Second operator sees this');
    const created = await answeredAt('/api/missions', 'POST');
    const seen = await visibleAt(`[data-mission-id="${id}"]`);
    const createLatency = seen - created.at;

    await a.getByRole('button', { name: 'Cancel', exact: true }).click();
    await detailStatus(a).filter({ hasText: 'CANCELLED' }).waitFor();
    const cancelled = await answeredAt(`/api/missions/${id}/cancel`, 'POST');
    const seenCancelled = await visibleAt(`[data-mission-id="${id}"][data-status="CANCELLED"]`);
    const cancelLatency = seenCancelled - cancelled.at;
    figures.push(`write → visible in a second browser context: create ${createLatency.toFixed(0)} ms, cancel ${cancelLatency.toFixed(0)} ms`);
    expect(createLatency).toBeLessThan(1000);
    expect(cancelLatency).toBeLessThan(1000);
    await expect(tile(b, 'CANCELLED').textContent()).resolves.toBe(await tile(a, 'CANCELLED').textContent());
    await shot(b, '05-second-operator');
  });

  it('should show the dropped connection while Redis restarts, then resume and carry on live', async () => {
    await redis.kill();
    await Promise.all([connection(a, 'reconnecting'), connection(b, 'reconnecting')]);
    await shot(b, '06-connection-lost');
    const restarted = performance.now();
    await redis.restart();
    await Promise.all([connection(a, 'live', 15_000), connection(b, 'live', 15_000)]);
    figures.push(`Redis restart: pages live again ${(performance.now() - restarted).toFixed(0)} ms after redis-server answered`);
    const { body } = await api('POST', '', { name: 'After the restart' });
    await row(b, body.id).waitFor({ timeout: 5000 });
    await row(a, body.id).waitFor({ timeout: 5000 });
  });

  it('should send a refused token back to sign-in', async () => {
    const page = await newPage();
    await page.addInitScript((jwt) => sessionStorage.setItem('missions.token', jwt), token({ sub: 'x' }, {}, 'not-the-secret-0123456789abcdef'));
    await page.goto(`${base}/ui/`);
    await page.getByText('The token was refused').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('missions.token'))).toBeNull();
  });

  it('should be usable by keyboard and readable at a phone width', async () => {
    const page = await newPage(390);
    await signInWithToken(page, devToken('dev'));
    await shot(page, '07-narrow-list');
    // By keyboard: from the search box, Tab reaches the first mission, Enter opens it, focus follows.
    await page.locator('.list li').first().waitFor();
    await page.getByRole('searchbox').focus();
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-mission-id'));
    expect(first).toBeTruthy();
    await page.keyboard.press('Enter');
    await detailStatus(page).waitFor();
    await expect(page.locator('[data-detail-id]').getAttribute('data-detail-id')).resolves.toBe(first);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
    await shot(page, '08-narrow-detail');
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it(`should render the first page within ${FIRST_RENDER_LIMIT_MS} ms with ${SEEDED} missions in the tenant`, async () => {
    const seededAt = performance.now();
    await seed('big', SEEDED);
    const seedMs = performance.now() - seededAt;
    const empty = await firstRender('nobody-here');
    const { page, ms, steps } = await firstRender('big');
    await expect(tile(page, 'total').textContent()).resolves.toBe(String(SEEDED));
    expect(await page.locator('.list li').count()).toBe(50);
    // Scrolling to the end of the list loads the next page.
    await page.locator('.list li').last().scrollIntoViewIfNeeded();
    await page.locator('.list li').nth(99).waitFor();
    figures.push(`first render with ${SEEDED} missions in the tenant: ${ms.toFixed(0)} ms after navigation (${steps}); ` +
      `with none: ${empty.ms.toFixed(0)} ms (${empty.steps}); seeded in ${(seedMs / 1000).toFixed(1)} s`);
    expect(ms).toBeLessThan(FIRST_RENDER_LIMIT_MS);
    await shot(page, '09-ten-thousand');
  }, 180_000);
});
