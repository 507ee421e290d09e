import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cohortOf, type TrajectoryEvent } from '@wink/contracts';
import { newTenant, waitFor } from './harness/infrastructure.js';
import { loadSample, pollGuidance, postEvents, request } from './harness/http.js';
import { Pipeline, startedForSuite } from './harness/pipeline.js';

const SHARE = 0.5;
const PER_COHORT = 6;

interface Results {
  test: string;
  cohorts: Array<{ cohort: string; sessions: number; flaggedSessions: number; guidance: number }>;
  metrics: Array<{
    metric: string;
    treatmentMean: number;
    controlMean: number;
    difference: number;
    pValue: number | null;
    significant: boolean;
  }>;
  warning: string | null;
}

/** A looping session that an engineer had to step into at its end. */
function withEngineer(events: TrajectoryEvent[]): TrajectoryEvent[] {
  const last = events.at(-1)!;
  return [
    ...events,
    {
      ...last,
      eventId: `${last.eventId}-human`,
      seq: last.seq + 1,
      kind: 'human_intervention',
      text: 'stopped the agent and fixed the import by hand',
      result: undefined,
      tool: undefined,
      usage: undefined,
    },
  ];
}

describe('A/B experiment: control sessions in shadow mode, cohorts compared (real Kafka, real Postgres)', () => {
  const pipeline = new Pipeline();
  const api = () => pipeline.services.api.url;

  const infra = startedForSuite(pipeline);

  it('records verdicts for both cohorts, answers only treatment, and compares them per session', async () => {
    const t = await newTenant(infra.db);
    const started = await request<{ experimentId: string; treatmentShare: number }>(
      `${api()}/v1/experiments`,
      { apiKey: t.apiKey, body: { name: 'guidance on vs off', treatmentShare: SHARE } },
    );
    assert.equal(started.status, 201);
    const { experimentId } = started.body;
    const again = await request(`${api()}/v1/experiments`, {
      apiKey: t.apiKey,
      body: { name: 'second', treatmentShare: 0.2 },
    });
    assert.equal(again.status, 409, 'one running experiment per tenant');

    // Sessions chosen until each cohort has PER_COHORT; the control ones end with an engineer stepping in.
    const sessions = { treatment: [] as string[], control: [] as string[] };
    const events: TrajectoryEvent[] = [];
    while (sessions.treatment.length < PER_COHORT || sessions.control.length < PER_COHORT) {
      const sample = loadSample('looping-session', randomUUID(), new Date());
      const id = sample[0].sessionId;
      const cohort = cohortOf(id, SHARE);
      if (sessions[cohort].length === PER_COHORT) continue;
      sessions[cohort].push(id);
      events.push(...(cohort === 'control' ? withEngineer(sample) : sample));
    }
    assert.equal((await postEvents(pipeline.services.ingest.url, t.apiKey, events)).status, 202);

    const all = [...sessions.treatment, ...sessions.control];
    const byCohort = async () => {
      const rows: Array<{ session_id: string; verdicts: number; guidance: number }> =
        await infra.db.query(
          `SELECT s AS session_id,
                  (SELECT count(*)::int FROM verdicts v WHERE v.tenant_id = $1 AND v.session_id = s) AS verdicts,
                  (SELECT count(*)::int FROM guidance g WHERE g.tenant_id = $1 AND g.session_id = s) AS guidance
             FROM unnest($2::text[]) AS s`,
          [t.tenantId, all],
        );
      return new Map(rows.map((r) => [r.session_id, r]));
    };
    await waitFor(
      async () => {
        const seen = await byCohort();
        const [{ n }] = await infra.db.query(
          'SELECT coalesce(sum(event_count), 0)::int AS n FROM sessions WHERE tenant_id = $1',
          [t.tenantId],
        );
        return (
          n === events.length &&
          all.every((id) => seen.get(id)!.verdicts > 0) &&
          sessions.treatment.every((id) => seen.get(id)!.guidance > 0)
        );
      },
      40_000,
      'verdicts for every session and guidance for the treatment cohort',
    );
    // Give a control session's verdicts time to have produced guidance, were shadow mode broken.
    await new Promise((r) => setTimeout(r, 1000));
    const seen = await byCohort();
    for (const id of sessions.control) {
      assert.equal(seen.get(id)!.guidance, 0, `control session ${id} got no guidance`);
      const polled = await pollGuidance(pipeline.services.intervention.url, t.apiKey, id, 0);
      assert.deepEqual(polled.body.guidance, []);
    }
    const cohorts: Array<{ cohort: string }> = await infra.db.query(
      'SELECT DISTINCT cohort FROM guidance WHERE tenant_id = $1',
      [t.tenantId],
    );
    assert.deepEqual(cohorts, [{ cohort: 'treatment' }]);
    const metrics = await (await fetch(`${pipeline.services.intervention.url}/metrics`)).text();
    assert.match(metrics, /wink_verdicts_dropped_total\{reason="control_cohort"\} [1-9]/);

    const results = await request<Results>(`${api()}/v1/experiments/${experimentId}/results`, {
      apiKey: t.apiKey,
    });
    assert.equal(results.status, 200);
    assert.match(results.body.test, /Welch/);
    const [treatment, control] = results.body.cohorts;
    assert.deepEqual(
      [treatment.cohort, treatment.sessions, treatment.flaggedSessions],
      ['treatment', PER_COHORT, PER_COHORT],
    );
    assert.deepEqual(
      [control.cohort, control.sessions, control.flaggedSessions, control.guidance],
      ['control', PER_COHORT, PER_COHORT, 0],
      'control verdicts are recorded, no guidance',
    );
    assert.ok(treatment.guidance >= PER_COHORT);
    const humans = results.body.metrics.find((m) => m.metric === 'humanInterventions')!;
    assert.deepEqual([humans.treatmentMean, humans.controlMean, humans.difference], [0, 1, -1]);
    const failures = results.body.metrics.find((m) => m.metric === 'toolFailures')!;
    assert.equal(failures.treatmentMean, failures.controlMean, 'the same sample in both cohorts');
    assert.match(results.body.warning ?? '', /too few sessions to conclude/);
    assert.ok(
      results.body.metrics.every((m) => !m.significant),
      'nothing concluded while small',
    );

    // Stopped, every session is answered again (after the intervention's 5 s experiment cache).
    const stopped = await request(`${api()}/v1/experiments/${experimentId}/stop`, {
      apiKey: t.apiKey,
      body: {},
    });
    assert.equal(stopped.status, 200);
    await new Promise((r) => setTimeout(r, 5500));
    let late: TrajectoryEvent[];
    do late = loadSample('looping-session', randomUUID(), new Date());
    while (cohortOf(late[0].sessionId, SHARE) !== 'control');
    assert.equal((await postEvents(pipeline.services.ingest.url, t.apiKey, late)).status, 202);
    await waitFor(
      async () => {
        const [{ n }] = await infra.db.query(
          'SELECT count(*)::int AS n FROM guidance WHERE tenant_id = $1 AND session_id = $2',
          [t.tenantId, late[0].sessionId],
        );
        return n > 0;
      },
      20_000,
      'guidance for a would-be control session once the experiment stopped',
    );
  });
});
