import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CONSUMER_GROUPS } from '@wink/contracts';
import { createDataSource } from '@wink/persistence';
import {
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  TEST_DATABASE_URL,
  waitFor,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { loadSample, postEvents } from './harness/http.js';
import { Pipeline } from './harness/pipeline.js';

const METRICS_TOKEN = 'bounded-connections-metrics-token';

describe('bounded guidance connections (real Kafka, real Postgres)', () => {
  let db: DataSource;
  let admin: Admin;
  const pipeline = new Pipeline({
    GUIDANCE_MAX_STREAMS_PER_TENANT: '2',
    GUIDANCE_MAX_POLLS_PER_TENANT: '2',
    // Far beyond the test: any query a waiting connection makes is one NOTIFY asked for.
    GUIDANCE_RECHECK_MS: '600000',
    METRICS_TOKEN,
  });
  const intervention = () => pipeline.services.intervention.url;
  const open: AbortController[] = [];

  const guidanceUrl = (sessionId: string) =>
    `${intervention()}/v1/sessions/${encodeURIComponent(sessionId)}/guidance`;

  /** An SSE stream, held open until the test ends or `close` is called. */
  async function stream(apiKey: string, sessionId: string) {
    const abort = new AbortController();
    open.push(abort);
    const res = await fetch(`${guidanceUrl(sessionId)}/stream`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: abort.signal,
    });
    let text = '';
    if (res.ok) {
      const reader = res.body!.getReader();
      void (async () => {
        for (;;) {
          const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
          if (chunk.done) return;
          text += new TextDecoder().decode(chunk.value);
        }
      })();
    }
    return { res, close: () => abort.abort(), text: () => text };
  }

  async function metric(name: string): Promise<number> {
    const res = await fetch(`${intervention()}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    const text = await res.text();
    const lines = text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    assert.ok(lines.length > 0, `${name} is exported`);
    return lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  }

  before(async () => {
    db = await prepareInfrastructure();
    admin = await connectAdmin();
    await pipeline.start();
    await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
  });

  after(async () => {
    for (const a of open) a.abort();
    await pipeline.stop();
    await admin?.disconnect();
    await db?.destroy();
  });

  it("caps each tenant's streams and long-polls with 429 and Retry-After, and only that tenant's", async () => {
    const a = await newTenant(db);
    const b = await newTenant(db);
    const first = await stream(a.apiKey, 's1');
    const second = await stream(a.apiKey, 's2');
    assert.equal(first.res.status, 200);
    assert.equal(second.res.status, 200);
    const third = await stream(a.apiKey, 's3');
    assert.equal(third.res.status, 429);
    assert.ok(Number(third.res.headers.get('retry-after')) > 0);
    assert.equal((await stream(b.apiKey, 's1')).res.status, 200, 'another tenant is unaffected');
    first.close();
    await waitFor(
      async () => {
        const again = await stream(a.apiKey, 's4');
        if (again.res.status === 200) return true;
        return false;
      },
      10_000,
      'a closed stream to give its slot back',
    );

    const polls = [1, 2].map(() =>
      fetch(`${guidanceUrl('p1')}?waitMs=20000`, {
        headers: { authorization: `Bearer ${a.apiKey}` },
      }),
    );
    await waitFor(
      async () => {
        const res = await fetch(`${guidanceUrl('p2')}?waitMs=0`, {
          headers: { authorization: `Bearer ${a.apiKey}` },
        });
        return res.status === 429 && Number(res.headers.get('retry-after')) > 0;
      },
      10_000,
      'a third long-poll to be refused while two wait',
    );
    const other = await fetch(`${guidanceUrl('p1')}?waitMs=0`, {
      headers: { authorization: `Bearer ${b.apiKey}` },
    });
    assert.equal(other.status, 200);
    await db.query('SELECT pg_notify($1, $2)', ['wink_guidance', `${a.tenantId}:p1`]);
    for (const res of await Promise.all(polls)) assert.equal(res.status, 200);
  });

  it('waiting connections claim only when notified, and the notifier forgets sessions nobody waits on', async () => {
    for (const a of open.splice(0)) a.abort();
    await waitFor(
      async () => (await metric('wink_guidance_waiting_sessions')) === 0,
      10_000,
      "the first test's connections to close",
    );
    const tenant = await newTenant(db);
    const opened = await metric('wink_guidance_claims_total');
    const quiet = await newTenant(db);
    const idle = await Promise.all(
      ['idle-1', 'idle-2'].map((s) => stream(quiet.apiKey, `${s}-${randomUUID()}`)),
    );
    const events = loadSample('looping-session', randomUUID().slice(0, 8));
    const watched = await stream(tenant.apiKey, events[0].sessionId);
    for (const s of [...idle, watched]) assert.equal(s.res.status, 200);
    // Each stream claims once as it opens.
    await waitFor(
      async () => (await metric('wink_guidance_claims_total')) - opened >= 3,
      10_000,
      'the three streams to make their first claim',
    );
    const before = await metric('wink_guidance_claims_total');

    assert.equal(
      (await postEvents(pipeline.services.ingest.url, tenant.apiKey, events)).status,
      202,
    );
    await waitFor(
      async () => (watched.text().match(/event: guidance/g) ?? []).length >= 2,
      20_000,
      'the guidance on the watched stream',
    );
    const [{ n }] = await db.query('SELECT count(*)::int AS n FROM guidance WHERE tenant_id = $1', [
      tenant.tenantId,
    ]);
    const claims = (await metric('wink_guidance_claims_total')) - before;
    assert.ok(claims >= 1 && claims <= n, `${claims} claims for ${n} notifications`);

    for (const s of [...idle, watched]) s.close();
    for (const a of open) a.abort();
    await waitFor(
      async () => (await metric('wink_guidance_waiting_sessions')) === 0,
      10_000,
      'the notifier to drop every session once its connections closed',
    );
  });

  it('bounds every statement with a timeout from configuration', async () => {
    const bounded = await createDataSource(TEST_DATABASE_URL, 1, 200).initialize();
    try {
      const [{ statement_timeout }] = await bounded.query('SHOW statement_timeout');
      assert.equal(statement_timeout, '200ms');
      await assert.rejects(bounded.query('SELECT pg_sleep(5)'), /statement timeout/);
    } finally {
      await bounded.destroy();
    }
  });
});
