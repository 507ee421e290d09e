import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { CONSUMER_GROUPS, TOPICS } from '@wink/contracts';
import { contractEvent } from './harness/contract-arbitraries.js';
import { loadSample, pollGuidance, postEvents } from './harness/http.js';
import { newTenant, waitFor, waitForDrained } from './harness/infrastructure.js';
import { Pipeline, startedForSuite } from './harness/pipeline.js';

const BATCHES = 400;

describe('the contract and the storage agree (events generated from the contract, real Kafka and Postgres)', () => {
  // Its batches go as fast as ingest answers them; the tenant's request limit is not under test.
  const pipeline = new Pipeline({ TENANT_REQUESTS_PER_SEC: '100000' });

  const infra = startedForSuite(pipeline);

  it('records every event ingest accepts, answers the rest with a 400 naming the field, and no consumer stops', async () => {
    const { tenantId, apiKey } = await newTenant(infra.db);
    const ingest = pipeline.services.ingest.url;
    const accepted = new Set<string>();
    let generated = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(contractEvent, { minLength: 1, maxLength: 3 }), async (events) => {
        generated += events.length;
        const res = await postEvents(ingest, apiKey, events);
        if (res.status === 202) {
          for (const e of events) accepted.add(String(e.eventId));
          return;
        }
        rejected += events.length;
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.ok(
          res.body.field && res.body.message?.startsWith(res.body.field),
          JSON.stringify(res.body),
        );
      }),
      { numRuns: BATCHES, seed: 1764600 },
    );
    console.log(
      `contract fuzz: ${BATCHES} batches, ${generated} generated events, ${accepted.size} distinct accepted, ${rejected} rejected with a 400`,
    );
    assert.ok(accepted.size > 50, 'the generator produced events the contract accepts');

    // An ordinary session after all of it is still classified, guided and recorded.
    const sample = loadSample('looping-session', randomUUID());
    assert.equal((await postEvents(ingest, apiKey, sample)).status, 202);
    await waitFor(
      async () =>
        (await pollGuidance(pipeline.services.intervention.url, apiKey, sample[0].sessionId, 1000))
          .body.guidance.length > 0,
      30_000,
      'guidance for an ordinary looping session',
    );
    try {
      for (const group of [CONSUMER_GROUPS.classifier, CONSUMER_GROUPS.recorder])
        await waitForDrained(infra.admin, group, [TOPICS.events], 60_000);
      await waitForDrained(infra.admin, CONSUMER_GROUPS.intervention, [TOPICS.verdicts], 60_000);
    } catch (error) {
      const logs = (['classifier', 'recorder', 'intervention'] as const).map(
        (s) => `${s}: ${pipeline.services[s].output.join('').slice(-1500)}`,
      );
      throw new Error(`${String(error)}\n${logs.join('\n')}`);
    }

    const rows: { event_id: string }[] = await infra.db.query(
      'SELECT event_id FROM events WHERE tenant_id = $1 AND event_id = ANY($2)',
      [tenantId, [...accepted, ...sample.map((e) => e.eventId)]],
    );
    const stored = new Set(rows.map((r) => r.event_id));
    const lost = [...accepted].filter((id) => !stored.has(id));
    assert.deepEqual(lost.slice(0, 5), [], `${lost.length} accepted events never reached Postgres`);
    assert.ok(
      sample.every((e) => stored.has(e.eventId)),
      'the ordinary session was recorded',
    );
  });
});
