import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CONSUMER_GROUPS, TOPICS } from '@wink/contracts';
import {
  ADVERSARIAL_AGENT,
  ADVERSARIAL_SCHEMA,
  ADVERSARIAL_TEXTS,
  ADVERSARIAL_TOOL,
  adversarialSession,
} from './harness/adversarial-inputs.js';
import { loadSample, pollGuidance, postEvents, request } from './harness/http.js';
import { newTenant, waitFor, waitForDrained } from './harness/infrastructure.js';
import { Pipeline, startedForSuite } from './harness/pipeline.js';

describe('no regex can be made slow (1 MiB adversarial bodies, real Kafka and Postgres)', () => {
  const pipeline = new Pipeline();

  const infra = startedForSuite(pipeline);

  it('refuses a tool schema pattern RE2 cannot run in linear time, naming the field', async () => {
    const { apiKey } = await newTenant(infra.db);
    const res = await request(
      `${pipeline.services.ingest.url}/v1/agents/${ADVERSARIAL_AGENT}/tools`,
      {
        method: 'PUT',
        apiKey,
        body: { tools: [{ name: 'x', parameters: { type: 'string', pattern: '^(?=a)(a)\\1$' } }] },
      },
    );
    assert.equal(res.status, 400);
    assert.equal(res.body.field, 'tools[0].parameters');
  });

  for (const name of Object.keys(ADVERSARIAL_TEXTS)) {
    it(`accepts, classifies and records the ${name} input, and the next ordinary session is still guided`, async () => {
      const { tenantId, apiKey } = await newTenant(infra.db);
      const ingest = pipeline.services.ingest.url;
      const registered = await request(`${ingest}/v1/agents/${ADVERSARIAL_AGENT}/tools`, {
        method: 'PUT',
        apiKey,
        body: { tools: [{ name: ADVERSARIAL_TOOL, parameters: ADVERSARIAL_SCHEMA }] },
      });
      assert.equal(registered.status, 200, JSON.stringify(registered.body));

      const hostile = adversarialSession(name, randomUUID());
      const body = JSON.stringify({ events: hostile });
      assert.ok(body.length > 900_000, `a body of about 1 MiB (${body.length} bytes)`);
      const res = await fetch(`${ingest}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body,
      });
      assert.equal(res.status, 202, await res.text());

      const ordinary = loadSample('looping-session', randomUUID());
      assert.equal((await postEvents(ingest, apiKey, ordinary)).status, 202);
      await waitFor(
        async () =>
          (
            await pollGuidance(
              pipeline.services.intervention.url,
              apiKey,
              ordinary[0].sessionId,
              1000,
            )
          ).body.guidance.length > 0,
        30_000,
        'guidance for the ordinary session sent after the hostile one',
      );
      for (const group of [CONSUMER_GROUPS.classifier, CONSUMER_GROUPS.recorder])
        await waitForDrained(infra.admin, group, [TOPICS.events], 30_000);

      const [{ n }] = await infra.db.query(
        'SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND session_id = $2',
        [tenantId, hostile[0].sessionId],
      );
      assert.equal(n, hostile.length, 'the hostile events were recorded');
      if (name === 'schema-pattern') {
        // The classifier ran the pattern over 64 KiB of `a…!` and found it does not match.
        const verdicts = await infra.db.query(
          `SELECT subtype FROM verdicts WHERE tenant_id = $1 AND session_id = $2`,
          [tenantId, hostile[0].sessionId],
        );
        assert.ok(
          verdicts.some((v: { subtype: string }) => v.subtype === 'malformed_arguments'),
          JSON.stringify(verdicts),
        );
      }
    });
  }
});
