import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CONSUMER_GROUPS, TOPICS, type TrajectoryEvent } from '@wink/contracts';
import { newTenant, waitFor, waitForDrained } from './harness/infrastructure.js';
import { loadSample, postEvents } from './harness/http.js';
import { Pipeline, startedForSuite } from './harness/pipeline.js';

const WINDOWS_PER_TENANT = 4;
const LOOPING = 8;
const CLEAN = 24;

describe('a tenant with more live sessions than the classifier keeps windows for (real Kafka, real Postgres)', () => {
  const pipeline = new Pipeline({}, undefined, {
    classifier: { CLASSIFIER_MAX_SESSIONS_PER_TENANT: String(WINDOWS_PER_TENANT) },
  });
  const infra = startedForSuite(pipeline);

  it('guides every looping session and no clean one while windows are evicted and rebuilt', async () => {
    const tenant = await newTenant(infra.db);
    const run = randomUUID().slice(0, 8);
    const now = new Date();
    const sessions: TrajectoryEvent[][] = [
      ...Array.from({ length: LOOPING }, (_, i) =>
        loadSample('looping-session', `${run}-${i}`, now),
      ),
      ...Array.from({ length: CLEAN }, (_, i) => loadSample('clean-session', `${run}-${i}`, now)),
    ];
    // Step k of every session in one request, as a host running all these agents would send
    // them: each batch the classifier reads spans many more sessions than the tenant's windows.
    const steps = Math.max(...sessions.map((s) => s.length));
    let sent = 0;
    for (let k = 0; k < steps; k++) {
      const batch = sessions.flatMap((s) => (k < s.length ? [s[k]] : []));
      const res = await postEvents(pipeline.services.ingest.url, tenant.apiKey, batch);
      assert.equal(res.status, 202, JSON.stringify(res.body));
      sent += batch.length;
    }

    await waitFor(
      async () => {
        const [{ n }] = await infra.db.query(
          `SELECT count(*)::int AS n FROM events WHERE tenant_id = $1`,
          [tenant.tenantId],
        );
        return n === sent;
      },
      60_000,
      'every event recorded',
    );
    await waitForDrained(infra.admin, CONSUMER_GROUPS.classifier, [TOPICS.events], 60_000);
    await waitForDrained(infra.admin, CONSUMER_GROUPS.recorder, [TOPICS.verdicts], 30_000);

    const flagged: Array<{ session_id: string; subtypes: string[] }> = await infra.db.query(
      `SELECT session_id, array_agg(DISTINCT subtype ORDER BY subtype) AS subtypes
         FROM verdicts WHERE tenant_id = $1 GROUP BY session_id`,
      [tenant.tenantId],
    );
    const bySession = new Map(flagged.map((r) => [r.session_id, r.subtypes]));
    const cleanFlagged = flagged.filter((r) => r.session_id.startsWith('sample-clean-'));
    assert.deepEqual(cleanFlagged, [], 'no clean session is flagged');
    for (const session of sessions.slice(0, LOOPING)) {
      const subtypes = bySession.get(session[0].sessionId) ?? [];
      assert.ok(
        subtypes.includes('repetitive_loop'),
        `${session[0].sessionId} flagged as looping (got ${subtypes.join(', ') || 'nothing'})`,
      );
    }
  });
});
