import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TrajectoryEvent } from '@wink/contracts';
import { newTenant, waitFor } from './harness/infrastructure.js';
import { postEvents, request } from './harness/http.js';
import { Pipeline, startedForSuite } from './harness/pipeline.js';

const PER_SEC = 5;

describe('fairness between tenants (real Kafka, real Postgres)', () => {
  const pipeline = new Pipeline({ TENANT_REQUESTS_PER_SEC: String(PER_SEC) });
  const ingest = () => pipeline.services.ingest.url;
  const api = () => pipeline.services.api.url;

  const infra = startedForSuite(pipeline);

  /** Waits out the current one-second window of the tenant rate. */
  const nextWindow = () => new Promise((resolve) => setTimeout(resolve, 1100));

  it('authenticates before reading a body: an unknown key with 1 MiB of garbage gets 401', async () => {
    const garbage = `{${'x'.repeat(1024 * 1024 - 10)}`;
    const send = (key: string) =>
      fetch(`${ingest()}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: garbage,
      });
    const unknown = await send(`wink_${randomUUID()}`);
    assert.equal(unknown.status, 401);
    assert.match((await unknown.json()).message, /unknown API key/);
    const known = await send((await newTenant(infra.db)).apiKey);
    assert.equal(known.status, 400, 'a known key gets its body parsed and refused');
  });

  it('limits every endpoint per tenant with 429 and Retry-After, and only that tenant', async () => {
    const busy = await newTenant(infra.db);
    const calm = await newTenant(infra.db);
    await nextWindow();
    for (const [name, url, init] of [
      ['analytics', `${api()}/v1/analytics/counts`, {}],
      ['timelines', `${api()}/v1/sessions?limit=5`, {}],
      ['outcomes', `${pipeline.services.intervention.url}/v1/outcomes`, {}],
      [
        'trajectories',
        `${ingest()}/v1/trajectories`,
        { body: { format: 'openai-messages', sessionId: 'fair', data: [] } },
      ],
      ['settings', `${ingest()}/v1/settings/policy`, {}],
    ] as const) {
      const answers = await Promise.all(
        Array.from({ length: PER_SEC * 4 }, () =>
          fetch(url, {
            method: 'body' in init ? 'POST' : 'GET',
            headers: { authorization: `Bearer ${busy.apiKey}`, 'content-type': 'application/json' },
            body: 'body' in init ? JSON.stringify(init.body) : undefined,
          }),
        ),
      );
      const limited = answers.filter((r) => r.status === 429);
      assert.ok(
        limited.length >= PER_SEC,
        `${name}: ${limited.length} of ${answers.length} limited`,
      );
      assert.ok(Number(limited[0].headers.get('retry-after')) >= 1, name);
      const other = await request(url, { apiKey: calm.apiKey });
      assert.notEqual(other.status, 429, `${name}: another tenant is not limited`);
      await nextWindow();
    }
  });

  it('pages a long timeline by step count and by bytes read', async () => {
    const tenant = await newTenant(infra.db);
    const sessionId = `long-${randomUUID()}`;
    // 80 steps of 60 kB: more than the 4 MiB a timeline page reads.
    const words = 'the agent printed a long build log line with many words in it '.repeat(950);
    const events: TrajectoryEvent[] = Array.from({ length: 80 }, (_, seq) => ({
      eventId: `${sessionId}-${seq}`,
      sessionId,
      seq,
      ts: new Date(Date.now() - (80 - seq) * 1000).toISOString(),
      agent: { name: 'fairness-agent' },
      kind: 'message',
      role: 'assistant',
      text: `${seq}: ${words}`,
    })) as TrajectoryEvent[];
    for (let i = 0; i < events.length; i += 15) {
      await nextWindow();
      const posted = await postEvents(ingest(), tenant.apiKey, events.slice(i, i + 15));
      assert.equal(posted.status, 202, JSON.stringify(posted.body));
    }
    await waitFor(
      async () => {
        const [row] = await infra.db.query(
          'SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND session_id = $2',
          [tenant.tenantId, sessionId],
        );
        return row.n === events.length;
      },
      30_000,
      'the long session to be recorded',
    );
    type Page = { steps: Array<{ seq: number }>; truncated: boolean; nextAfterSeq: number | null };
    const page = async (query: string) => {
      await nextWindow();
      const res = await request<Page>(`${api()}/v1/sessions/${sessionId}/timeline${query}`, {
        apiKey: tenant.apiKey,
      });
      assert.equal(res.status, 200, query);
      return res.body;
    };
    const first = await page('');
    assert.ok(first.steps.length > 0 && first.steps.length < events.length, 'cut by bytes');
    assert.equal(first.truncated, true);
    assert.equal(first.nextAfterSeq, first.steps.at(-1)!.seq);
    const seen = first.steps.map((s) => s.seq);
    let next: number | null = first.nextAfterSeq;
    while (next !== null) {
      const more = await page(`?afterSeq=${next}`);
      seen.push(...more.steps.map((s) => s.seq));
      next = more.nextAfterSeq;
    }
    assert.deepEqual(
      seen,
      events.map((e) => e.seq),
      'every step once, in order',
    );
    const counted = await page('?limit=3');
    assert.deepEqual(
      counted.steps.map((s) => s.seq),
      [0, 1, 2],
    );
    assert.equal(counted.nextAfterSeq, 2);
    await nextWindow();
    const bad = await request(`${api()}/v1/sessions/${sessionId}/timeline?limit=0`, {
      apiKey: tenant.apiKey,
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'limit');
  });

  it('slows down a client address that keeps presenting unknown keys', async () => {
    let answer: Response | undefined;
    for (let i = 0; i < 200; i++) {
      answer = await fetch(`${api()}/v1/analytics/counts`, {
        headers: { authorization: `Bearer wink_${randomUUID()}` },
      });
      if (answer.status !== 401) break;
    }
    assert.equal(answer!.status, 429);
    assert.ok(Number(answer!.headers.get('retry-after')) >= 1);
    assert.match((await answer!.json()).message, /unknown API keys from this address/);
  });
});
