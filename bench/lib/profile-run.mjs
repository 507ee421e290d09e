// One bench:profile measurement of the Wink tree at ROOT (this checkout, or another ref's build):
// that tree's own test harness starts its services on TEST_DATABASE_URL and KAFKA_BROKERS; the
// mixed load runs in a separate process; CPU comes from /proc. Prints one JSON line. With
// PROFILE_CPU_DIR set, each service also writes its V8 profile of the measured window there.
//   node bench/lib/profile-run.mjs ROOT RATE SESSIONS IDLE_SECONDS WARMUP_SESSIONS
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CpuMeter, listProcesses, pipelineGroups } from './proc-cpu.mjs';
import { cpuProfileEnv } from './cpu-profiles.mjs';
import { runJsonChild } from './json-child.mjs';
import { BENCH_PIPELINE_ENV } from './bench-pipeline-env.mjs';

const LOOPING_EVENTS = 21; // a looping session sent in full: its task and ten failing runs

const [root, rate, sessions, idleSeconds, warmupSessions] = process.argv.slice(2);
const at = (path) => pathToFileURL(`${root}/${path}`).href;
const { Pipeline } = await import(at('tests/dist/harness/pipeline.js'));
const infra = await import(at('tests/dist/harness/infrastructure.js'));
const { CONSUMER_GROUPS, TOPICS } = await import(at('libs/contracts/dist/index.js'));

const database = new URL(infra.TEST_DATABASE_URL).pathname.slice(1);
const brokerPort = infra.BROKERS[0].split(':').at(-1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const runLoad = (url, apiKey, run, count) =>
  runJsonChild(new URL('mixed-load.mjs', import.meta.url).pathname, [
    url,
    apiKey,
    rate,
    count,
    run,
  ]);

const db = await infra.prepareInfrastructure();
const admin = await infra.connectAdmin();
const profileDir = process.env.PROFILE_CPU_DIR;
const groups = pipelineGroups(database, brokerPort);
// In the environment every service gets (a ref's harness may take no per-service one).
const pipeline = new Pipeline({
  ...BENCH_PIPELINE_ENV,
  ...(profileDir ? cpuProfileEnv(profileDir, { onSignal: true }) : {}),
});
/** Starts (`true`) or stops and writes (`false`) the services' V8 profiles (see cpu-profile.cjs). */
const sampleProfiles = (on) => {
  if (!profileDir) return;
  const flag = join(profileDir, '.sampling');
  if (on) writeFileSync(flag, '');
  else rmSync(flag, { force: true });
  const processes = listProcesses();
  for (const service of Object.keys(pipeline.services))
    for (const pid of groups[service](processes)) process.kill(pid, 'SIGWINCH');
};
try {
  await pipeline.start();
  await infra.waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS), 90_000);
  const { tenantId, apiKey } = await infra.newTenant(db);

  const drained = () =>
    Promise.all([
      infra.waitForDrained(admin, CONSUMER_GROUPS.classifier, [TOPICS.events], 300_000),
      infra.waitForDrained(admin, CONSUMER_GROUPS.recorder, [TOPICS.events], 300_000),
      infra.waitForDrained(admin, CONSUMER_GROUPS.intervention, [TOPICS.verdicts], 300_000),
    ]);
  await drained();
  // The same load, unmeasured first: the figures are of warm processes, not of V8 compiling.
  const warmup = await infra.newTenant(db);
  await runLoad(
    pipeline.services.ingest.url,
    warmup.apiKey,
    `w${Date.now().toString(36)}`,
    warmupSessions,
  );
  await drained();

  // What each process burns doing nothing: subtracted, so the figures are per event.
  const idleMeter = new CpuMeter(groups);
  idleMeter.start();
  await sleep(Number(idleSeconds) * 1000);
  const idle = idleMeter.stop();

  const meter = new CpuMeter(groups);
  sampleProfiles(true);
  meter.start();
  const load = await runLoad(
    pipeline.services.ingest.url,
    apiKey,
    Date.now().toString(36),
    sessions,
  );
  await drained();
  await sleep(1500); // the recorder's next rollup of what just arrived
  const busy = meter.stop();
  sampleProfiles(false);

  const [counts] = await db.query(
    `SELECT (SELECT count(*)::int FROM events WHERE tenant_id = $1) AS stored,
            (SELECT count(*)::int FROM sessions
              WHERE tenant_id = $1 AND session_id LIKE '%-loop-%' AND event_count = $2) AS looping,
            (SELECT count(DISTINCT g.session_id)::int FROM guidance g JOIN sessions s USING (tenant_id, session_id)
              WHERE tenant_id = $1 AND session_id LIKE '%-loop-%' AND s.event_count = $2) AS looping_guided,
            (SELECT count(DISTINCT session_id)::int FROM guidance
              WHERE tenant_id = $1 AND session_id LIKE '%-clean-%') AS clean_guided`,
    [tenantId, LOOPING_EVENTS],
  );
  const perEvent = {};
  const grossPerEvent = {};
  const idlePerSecond = {};
  for (const label of Object.keys(groups)) {
    idlePerSecond[label] = idle.cpu[label] / idle.seconds;
    const net = busy.cpu[label] - idlePerSecond[label] * busy.seconds;
    perEvent[label] = (Math.max(0, net) / load.sent) * 1e6;
    grossPerEvent[label] = (busy.cpu[label] / load.sent) * 1e6;
  }
  console.log(
    JSON.stringify({
      load,
      windowSeconds: busy.seconds,
      perEvent,
      grossPerEvent,
      idlePerSecond,
      counts,
    }),
  );
} finally {
  if (profileDir) rmSync(join(profileDir, '.sampling'), { force: true });
  await pipeline.stop();
  await admin.disconnect();
  await db.destroy();
}
