// Shared by bench:e2e and bench:soak: starts the pipeline (this tree's test harness, real broker
// and Postgres), runs bench/lib/fleet-load.mjs in its own process against it, and returns what
// was sent, the latencies seen from outside, every consumer group's lag over the run, the CPU
// each process used (from /proc) and what Postgres holds afterwards.
import { CpuMeter, pipelineGroups } from './proc-cpu.mjs';
import { runJsonChild } from './json-child.mjs';
import { BENCH_PIPELINE_ENV } from './bench-pipeline-env.mjs';
import { ensureBroker } from './broker.mjs';

const LAG_SAMPLE_MS = 2000;

process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/wink_bench';
process.env.TEST_PORT_BASE ??= '3200';

ensureBroker();
const { Pipeline } = await import('../../tests/dist/harness/pipeline.js');
const infra = await import('../../tests/dist/harness/infrastructure.js');
const { CONSUMER_GROUPS, TOPICS } = await import('@wink/contracts');
const { physicalGroup, logicalTopic } = await import('@wink/kafka');

/** Messages each group has yet to commit, per logical topic it has offsets on. */
export async function groupLags(admin) {
  const out = {};
  for (const group of Object.values(CONSUMER_GROUPS)) {
    const committed = await admin.fetchOffsets({
      groupId: physicalGroup(group, infra.RUN_NAMING),
    });
    const lags = {};
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      const done = new Map(partitions.map((p) => [p.partition, BigInt(p.offset)]));
      let lag = 0n;
      for (const p of ends) {
        const at = done.get(p.partition) ?? -1n;
        lag += BigInt(p.high) - (at < 0n ? BigInt(p.low) : at);
      }
      lags[logicalTopic(topic, infra.RUN_NAMING)] = Number(lag);
    }
    out[group] = lags;
  }
  return out;
}

const runLoad = (options) =>
  runJsonChild(new URL('fleet-load.mjs', import.meta.url).pathname, [JSON.stringify(options)]);

/** `loadOptions`: the fleet-load options (rate, seconds, hosts, tickMs, agentsPerHost, poll). */
export async function runFleet({ drainTimeoutMs = 300_000, ...loadOptions }) {
  const db = await infra.prepareInfrastructure();
  const admin = await infra.connectAdmin();
  // One tenant stands for the whole fleet, so its per-tenant limits are the fleet's: every agent
  // may hold a long-poll, and every live agent's window fits (at the default 5,000 a fleet of
  // 10,000 live agents cycles through the least recently used windows, each step a rebuild from
  // Postgres: what an operator raises CLASSIFIER_MAX_SESSIONS_PER_TENANT for).
  const liveAgents = (loadOptions.hosts ?? 1) * (loadOptions.agentsPerHost ?? 1000);
  const pipeline = new Pipeline({
    ...BENCH_PIPELINE_ENV,
    GUIDANCE_MAX_POLLS_PER_TENANT: '100000',
    TENANT_REQUESTS_PER_SEC: '1000000',
    CLASSIFIER_MAX_SESSIONS_PER_TENANT: String(Math.max(5000, liveAgents)),
  });
  try {
    await pipeline.start();
    await infra.waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS), 90_000);
    const { tenantId, apiKey } = await infra.newTenant(db);
    const database = new URL(infra.TEST_DATABASE_URL).pathname.slice(1);
    const brokerPort = infra.BROKERS[0].split(':').at(-1);
    const meter = new CpuMeter(pipelineGroups(database, brokerPort));
    const maxLag = {};
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await new Promise((r) => setTimeout(r, LAG_SAMPLE_MS));
        for (const [group, lags] of Object.entries(await groupLags(admin)))
          for (const [topic, lag] of Object.entries(lags)) {
            const key = `${group} ${topic}`;
            maxLag[key] = Math.max(maxLag[key] ?? 0, lag);
          }
      }
    })();
    meter.start();
    const load = await runLoad({
      url: {
        ingest: pipeline.services.ingest.url,
        guidance: pipeline.services.intervention.url,
      },
      apiKey,
      ...loadOptions,
      run: Date.now().toString(36),
    });
    const cpu = meter.stop();
    sampling = false;
    await sampler;
    const lagAtEnd = await groupLags(admin);
    const drainStarted = Date.now();
    await Promise.all([
      infra.waitForDrained(admin, CONSUMER_GROUPS.classifier, [TOPICS.events], drainTimeoutMs),
      infra.waitForDrained(
        admin,
        CONSUMER_GROUPS.recorder,
        [TOPICS.events, TOPICS.verdicts],
        drainTimeoutMs,
      ),
      infra.waitForDrained(admin, CONSUMER_GROUPS.intervention, [TOPICS.verdicts], drainTimeoutMs),
    ]);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    const [stored] = await db.query(
      `SELECT count(*)::int AS rows, count(DISTINCT (session_id, seq))::int AS distinct_steps
         FROM events WHERE tenant_id = $1`,
      [tenantId],
    );
    const [guidance] = await db.query(
      `SELECT count(*) FILTER (WHERE session_id LIKE '%-clean-%')::int AS clean_guided,
              count(DISTINCT session_id) FILTER (WHERE session_id LIKE '%-loop-%')::int AS looping_guided
         FROM guidance WHERE tenant_id = $1`,
      [tenantId],
    );
    const stages = await db.query(
      `SELECT extract(epoch FROM v.created_at - g.source_received_at) * 1000 AS classify,
              extract(epoch FROM g.created_at - v.created_at) * 1000 AS intervene,
              extract(epoch FROM d.delivered_at - g.created_at) * 1000 AS claim,
              extract(epoch FROM g.source_received_at) * 1000 AS received_ms
         FROM guidance g JOIN verdicts v ON v.verdict_id = g.verdict_ids[1]
         LEFT JOIN deliveries d ON d.intervention_id = g.intervention_id AND d.channel = 'poll'
        WHERE g.tenant_id = $1`,
      [tenantId],
    );
    return { load, cpu, maxLag, lagAtEnd, drainSeconds, stored, guidance, stages };
  } finally {
    await pipeline.stop();
    await admin.disconnect();
    await db.destroy();
    await infra.removeOwnRunTopics();
  }
}
