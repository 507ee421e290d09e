import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@wink/contracts';
import { seededRandom } from '@wink/simulator';
import { newTenant, topicSize } from './harness/infrastructure.js';
import { fuzzRequests, oversizedRequests, type FuzzRequest } from './harness/fuzz-payloads.js';
import { loadSample, pollGuidance, postEvents, request } from './harness/http.js';
import { Pipeline, startedForSuite } from './harness/pipeline.js';

describe('hostile input and tenancy (real Kafka, real Postgres)', () => {
  const pipeline = new Pipeline({ INGEST_RATE_EVENTS_PER_SEC: '50', INGEST_RATE_BURST: '200' });

  const infra = startedForSuite(pipeline);

  it('answers 10,000 malformed, oversized, nested, mistyped and injection-laden requests with a 4xx, and lets none through', async () => {
    const { tenantId, apiKey } = await newTenant(infra.db);
    const before = await topicSize(infra.admin, TOPICS.events);
    const requests = [...fuzzRequests(10_000, seededRandom(2026)), ...oversizedRequests(20)];
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const r: FuzzRequest = requests[next++];
        const base = pipeline.services[r.service].url;
        try {
          const res = await fetch(`${base}${r.path}`, {
            method: r.method,
            headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
            body: r.body,
            signal: AbortSignal.timeout(5000),
          });
          const text = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status < 400 || res.status >= 500 || !text.includes('message'))
            bad.push(
              `${res.status} ${r.method} ${r.path} ${(r.body ?? '').slice(0, 120)} → ${text.slice(0, 200)}`,
            );
        } catch (error) {
          bad.push(`no answer: ${r.method} ${r.path}: ${String(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    assert.deepEqual(
      bad.slice(0, 5),
      [],
      `${bad.length} requests were not answered with a clear 4xx`,
    );
    assert.ok(
      [...statuses.keys()].every((s) => s >= 400 && s < 500),
      JSON.stringify([...statuses]),
    );
    assert.equal(await topicSize(infra.admin, TOPICS.events), before, 'nothing reached Kafka');
    for (const table of ['events', 'tool_schemas', 'webhooks', 'labels', 'experiments']) {
      const [{ n }] = await infra.db.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`,
        [tenantId],
      );
      assert.equal(n, 0, `nothing reached ${table}`);
    }
    const [{ policy }] = await infra.db.query('SELECT policy FROM tenants WHERE id = $1', [
      tenantId,
    ]);
    assert.deepEqual(policy, {});
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((await request(`${pipeline.services.ingest.url}/health`)).status, 200);
  });

  it('refuses one tenant every view of another tenant’s sessions, guidance and settings', async () => {
    const a = await newTenant(infra.db);
    const b = await newTenant(infra.db);
    const events = loadSample('looping-session', randomUUID());
    const sessionId = events[0].sessionId;
    assert.equal((await postEvents(pipeline.services.ingest.url, a.apiKey, events)).status, 202);
    const intervention = pipeline.services.intervention.url;
    // A's guidance exists; B asks for it on every channel.
    const [mine] = await (async () => {
      for (let i = 0; i < 50; i++) {
        const rows = await infra.db.query(
          'SELECT intervention_id FROM guidance WHERE tenant_id = $1',
          [a.tenantId],
        );
        if (rows.length) return rows;
        await new Promise((r) => setTimeout(r, 100));
      }
      return [];
    })();
    assert.ok(mine, 'tenant A got guidance');
    assert.deepEqual((await pollGuidance(intervention, b.apiKey, sessionId, 0)).body, {
      guidance: [],
    });
    assert.equal(
      (
        await request(`${intervention}/v1/guidance/${mine.intervention_id}/ack`, {
          method: 'POST',
          apiKey: b.apiKey,
        })
      ).status,
      404,
    );
    const stream = await fetch(`${intervention}/v1/sessions/${sessionId}/guidance/stream`, {
      headers: { authorization: `Bearer ${b.apiKey}` },
      signal: AbortSignal.timeout(1500),
    });
    const received = await stream.text().catch(() => '');
    assert.ok(!received.includes('event: guidance'));
    assert.deepEqual((await request(`${intervention}/v1/outcomes`, { apiKey: b.apiKey })).body, {
      bySubtype: [],
    });
    assert.deepEqual(
      (await request(`${pipeline.services.ingest.url}/v1/settings/policy`, { apiKey: b.apiKey }))
        .body,
      { policy: {} },
    );
    // A's guidance is still there for A, untouched by B's attempts.
    const polled = await pollGuidance(intervention, a.apiKey, sessionId, 1000);
    assert.ok(polled.body.guidance.some((g) => g.interventionId === mine.intervention_id));
  });

  it('limits each tenant’s event rate with 429 and Retry-After, without touching other tenants', async () => {
    const a = await newTenant(infra.db);
    const b = await newTenant(infra.db);
    const batch = (n: number) =>
      loadSample('clean-session', randomUUID())
        .concat(loadSample('clean-session', randomUUID()))
        .slice(0, n);
    const events = Array.from({ length: 5 }, () => loadSample('looping-session', randomUUID()))
      .flat()
      .slice(0, 100);
    assert.equal((await postEvents(pipeline.services.ingest.url, a.apiKey, events)).status, 202);
    assert.equal(
      (
        await postEvents(
          pipeline.services.ingest.url,
          a.apiKey,
          events.map((e) => ({ ...e, eventId: `${e.eventId}-2` })),
        )
      ).status,
      202,
    );
    const limited = await fetch(`${pipeline.services.ingest.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: events.map((e) => ({ ...e, eventId: `${e.eventId}-3` })) }),
    });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.match(((await limited.json()) as { message: string }).message, /retry in/);
    assert.equal((await postEvents(pipeline.services.ingest.url, b.apiKey, batch(30))).status, 202);
  });
});
