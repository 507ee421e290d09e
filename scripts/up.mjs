// The run command's supervisor: Kafka, schema, a dev API key, every service with prefixed logs,
// then the bundled samples replayed through the HTTP API. Runs until Ctrl-C, then stops what it started.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CONSUMER_GROUPS } from '@wink/contracts';
import { createKafka, createTopics, physicalGroup } from '@wink/kafka';
import {
  createDataSource,
  DEFAULT_DATABASE_URL,
  ensureDatabase,
  issueApiKey,
} from '@wink/persistence';
import { formatReplayReport, replay } from '@wink/cli/dist/commands/replay.js';
import { importFile } from '@wink/importers';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  // The local run: webhooks may use plain http, their secrets the dev key (see Security model).
  WINK_ENV: process.env.WINK_ENV ?? 'dev',
};
const brokers = env.KAFKA_BROKERS.split(',');
const ports = {
  ingest: Number(env.INGEST_PORT ?? 3000),
  classifier: Number(env.CLASSIFIER_PORT ?? 3001),
  intervention: Number(env.INTERVENTION_PORT ?? 3002),
  recorder: Number(env.RECORDER_PORT ?? 3003),
  api: Number(env.API_PORT ?? 3004),
};
const children = new Map();
let startedKafka = false;
let stopping = false;

const say = (msg) => console.log(`[wink] ${msg}`);

function kafkaScript(command) {
  return spawnSync('bash', [`${root}infra/kafka/kafka.sh`, command], { stdio: 'inherit', env });
}

function startService(name) {
  const child = spawn(process.execPath, [`${root}services/${name}/dist/main.js`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}]`.padEnd(15);
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) if (line) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping everything`);
      shutdown(1);
    }
  });
  children.set(name, child);
}

async function waitHealthy(name) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${ports[name]}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become healthy`);
}

async function waitForConsumers() {
  const admin = createKafka({ brokers, clientId: 'wink-up' }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { groups } = await admin.describeGroups(
        Object.values(CONSUMER_GROUPS).map((g) => physicalGroup(g)),
      );
      if (groups.every((g) => g.state === 'Stable' && g.members.length > 0)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('consumer groups did not settle');
  } finally {
    await admin.disconnect();
  }
}

/** The misbehaviour rate by category from the analytics API, once the recorder has every session. */
async function analyticsOf(apiKey, sessions) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(
      `http://127.0.0.1:${ports.api}/v1/analytics/misbehaviour-rate?groupBy=category`,
      { headers: { authorization: `Bearer ${apiKey}` } },
    );
    const body = await res.json();
    if (!res.ok) throw new Error(`analytics API: ${res.status} ${body.message}`);
    if (body.sessions >= sessions || Date.now() > deadline) return body;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping services');
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
  if (startedKafka) kafkaScript('stop');
  process.exit(code);
}

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function main() {
  startedKafka = kafkaScript('status').status !== 0;
  if (kafkaScript('start').status !== 0) throw new Error('Kafka did not start');
  await createTopics(brokers, Number(env.KAFKA_PARTITIONS ?? 6), 1);

  await ensureDatabase(env.DATABASE_URL);
  const db = await createDataSource(env.DATABASE_URL, 2).initialize();
  await db.runMigrations({ transaction: 'each' });
  const { tenantId, apiKey } = await issueApiKey(db, 'dev');
  say(`dev tenant ${tenantId}; API key (shown once): ${apiKey}`);

  for (const name of Object.keys(ports)) startService(name);
  await Promise.all(Object.keys(ports).map(waitHealthy));
  await waitForConsumers();
  say('all services healthy; replaying the bundled samples through the HTTP API');

  const sessions = new Map();
  for (const file of ['looping-session.jsonl', 'clean-session.jsonl']) {
    const imported = importFile(`${root}samples/${file}`);
    if (imported.errors.length) throw new Error(imported.errors.join('\n'));
    // Replayed as if live: the steps keep their spacing and end now, so the dashboard shows today.
    for (const s of imported.sessions) {
      const shift = Date.now() - Date.parse(s.events.at(-1).ts);
      const ts = (e) => new Date(Date.parse(e.ts) + shift).toISOString();
      sessions.set(
        s.sessionId,
        s.events.map((e) => ({ ...e, ts: ts(e) })),
      );
    }
  }
  const report = await replay({
    sessions,
    url: `http://127.0.0.1:${ports.ingest}`,
    guidanceUrl: `http://127.0.0.1:${ports.intervention}`,
    apiKey,
    rate: 20,
  });
  const ids = report.sessions.map((s) => s.sessionId);
  const verdicts = await db.query(
    `SELECT v.session_id, v.category, v.subtype, v.from_seq, v.to_seq, v.detector, v.reason,
            round(extract(epoch FROM (g.created_at - g.source_received_at)) * 1000) AS server_ms
       FROM verdicts v LEFT JOIN guidance g ON v.verdict_id = ANY(g.verdict_ids)
      WHERE v.tenant_id = $1 AND v.session_id = ANY($2) ORDER BY v.session_id, v.at_seq`,
    [tenantId, ids],
  );
  await db.destroy();
  const rate = await analyticsOf(apiKey, ids.length);

  const out = [
    '',
    '================ Wink sample run ================',
    'Verdicts (from Postgres):',
  ];
  for (const v of verdicts) {
    out.push(
      `  ${v.session_id}: ${v.category}/${v.subtype} steps ${v.from_seq}-${v.to_seq} by ${v.detector}` +
        (v.server_ms === null ? '' : `; guidance ${v.server_ms} ms after ingest accepted the step`),
      `    ${v.reason}`,
    );
  }
  if (verdicts.length === 0) out.push('  none');
  out.push('Guidance delivered to the agent host (long-poll):', formatReplayReport(report));
  out.push(
    `Analytics (GET /v1/analytics/misbehaviour-rate): ${rate.flagged} of ${rate.sessions} sessions with a verdict (${Math.round(rate.rate * 100)}%); ` +
      rate.rows.map((r) => `${r.key} ${r.flagged}/${r.sessions}`).join(', '),
  );
  out.push('=================================================');
  out.push(
    `Ingest: http://127.0.0.1:${ports.ingest}  Guidance: http://127.0.0.1:${ports.intervention}`,
    `Dashboard: http://127.0.0.1:${ports.api}/dashboard#key=${apiKey}`,
    `Analytics API: http://127.0.0.1:${ports.api}/docs (OpenAPI: /docs-json)`,
  );
  out.push(
    `export WINK_API_KEY=${apiKey}`,
    'Running; Ctrl-C stops every service (and Kafka, if this started it).',
    '',
  );
  console.log(out.join('\n'));
}

main().catch((error) => {
  console.error(`[wink] ${error instanceof Error ? error.message : String(error)}`);
  shutdown(1);
});
