import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import { chromium, type Browser } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { CONSUMER_GROUPS } from '@wink/contracts';
import type { IssuedKey } from '@wink/persistence';
import {
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { loadSample, request } from './harness/http.js';
import { Pipeline, recordSamples } from './harness/pipeline.js';

// The README's picture of the dashboard is this page's screenshot: WINK_UPDATE_DOCS=1 writes it
// there; any other run keeps it in .cache/ and leaves the checkout as it was.
const SCREENSHOT = fileURLToPath(
  new URL(
    process.env.WINK_UPDATE_DOCS === '1'
      ? '../../docs/dashboard.png'
      : '../../.cache/dashboard.png',
    import.meta.url,
  ),
);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOSTILE = '<img src=x onerror="window.pwned=1">';

interface Bar {
  key: string;
  flagged: number;
  sessions: number;
  rate: number;
  text: string;
}

describe('dashboard in headless Chromium against the running pipeline', () => {
  let db: DataSource;
  let admin: Admin;
  let browser: Browser;
  let tenant: IssuedKey;
  const pipeline = new Pipeline();
  const run = randomUUID().slice(0, 8);
  const looping = loadSample('looping-session', run, new Date(Date.now() - 60_000));
  // The clean sample, with agent text that would run as script were the page to render it as HTML.
  const clean = loadSample('clean-session', run, new Date(Date.now() - 60_000)).map((e) =>
    e.kind === 'message' ? { ...e, text: `Summary for the reviewer: ${HOSTILE}` } : e,
  );

  before(async () => {
    db = await prepareInfrastructure();
    admin = await connectAdmin();
    await pipeline.start();
    await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
    tenant = await newTenant(db);
    await recordSamples(pipeline, db, tenant, looping, clean);
    const experiment = await request(`${pipeline.services.api.url}/v1/experiments`, {
      apiKey: tenant.apiKey,
      body: { name: 'guidance on vs off', treatmentShare: 0.5 },
    });
    assert.equal(experiment.status, 201);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
    await pipeline.stop();
    await admin?.disconnect();
    await db?.destroy();
  });

  it("draws the sample's numbers: rates, resolution, sessions, timeline and the A/B table", async () => {
    const api = pipeline.services.api.url;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The page works under the service's strict CSP: nothing it needs is refused.
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    const served = await page.goto(`${api}/dashboard#key=${tenant.apiKey}`);
    const csp = served?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
    assert.equal(new URL(page.url()).hash, '', 'the key leaves the address bar');

    const bars = (chart: string) =>
      page.$$eval(`#${chart} .bar`, (els) =>
        els.map((el) => {
          const d = (el as SVGElement).dataset;
          return {
            key: d.key!,
            flagged: Number(d.flagged),
            sessions: Number(d.sessions),
            rate: Number(d.rate),
            text: el.textContent ?? '',
          };
        }),
      );
    for (const groupBy of ['category', 'subtype', 'day'] as const) {
      const drawn: Bar[] = await bars(`chart-${groupBy}`);
      const { body } = await request<{ rows: Array<Omit<Bar, 'text'>> }>(
        `${api}/v1/analytics/misbehaviour-rate?groupBy=${groupBy}&from=${new Date(Date.now() - 90 * 86_400_000).toISOString()}`,
        { apiKey: tenant.apiKey },
      );
      assert.deepEqual(
        drawn.map(({ text: _text, ...bar }) => bar),
        body.rows,
        `${groupBy} chart shows the API's numbers`,
      );
      assert.ok(drawn.length > 0);
    }
    const categories: Bar[] = await bars('chart-category');
    for (const bar of categories) {
      assert.deepEqual([bar.flagged, bar.sessions], [1, 2], 'one of the two sample sessions');
      assert.match(bar.text, /1\/2 · 50%/);
    }
    const tile = (id: string) => page.textContent(`[data-tile="${id}"] .value`);
    assert.equal(await tile('sessions'), '2');
    assert.equal(await tile('flagged'), '1 (50%)');

    const resolutionRows = await page.$$eval('#resolution tr[data-subtype]', (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.subtype),
    );
    const guided: Array<{ subtype: string }> = await db.query(
      'SELECT DISTINCT subtype FROM guidance WHERE tenant_id = $1 ORDER BY subtype',
      [tenant.tenantId],
    );
    assert.deepEqual(
      resolutionRows,
      guided.map((g) => g.subtype),
    );

    const sessionRows = await page.$$eval('tr.session', (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.session),
    );
    assert.deepEqual(sessionRows.sort(), [clean[0].sessionId, looping[0].sessionId].sort());
    await page.click(`tr.session[data-session="${looping[0].sessionId}"]`);
    await page.waitForSelector('#timeline tr[data-seq]');
    assert.equal(await page.locator('#timeline tr[data-seq]').count(), looping.length);
    assert.ok((await page.locator('#timeline tr.step-verdict').count()) >= 1);
    assert.ok((await page.locator('#timeline tr.step-guidance').count()) >= 1);

    await page.click(`tr.session[data-session="${clean[0].sessionId}"]`);
    await page.waitForFunction(
      (id) => document.getElementById('timeline-title')!.textContent!.includes(id),
      clean[0].sessionId,
    );
    assert.ok((await page.textContent('#timeline'))!.includes(HOSTILE), 'shown as text');
    assert.equal(await page.locator('#timeline img').count(), 0, 'never as HTML');
    assert.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined);

    assert.deepEqual(
      await page.$$eval('#experiment tr[data-metric]', (rows) =>
        rows.map((r) => (r as HTMLElement).dataset.metric),
      ),
      ['toolFailures', 'tokens', 'humanInterventions'],
    );
    assert.match((await page.textContent('#experiment .warning')) ?? '', /too few sessions/);

    await page.click(`tr.session[data-session="${looping[0].sessionId}"]`);
    await page.waitForSelector('#timeline tr.step-verdict');
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(refused, [], 'no CSP violation');
    await page.close();
  });

  it('asks for a key and says so when the key is wrong', async () => {
    const page = await browser.newPage();
    await page.goto(`${pipeline.services.api.url}/dashboard`);
    assert.match((await page.textContent('#status')) ?? '', /API key/);
    await page.fill('#api-key', 'wink_wrong');
    await page.click('button[type="submit"]');
    await page.waitForFunction(() =>
      document.getElementById('status')!.textContent!.includes('401'),
    );
    assert.equal(await page.locator('#dashboard').isHidden(), true);
    await page.close();
  });
});
