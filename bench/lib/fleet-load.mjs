// The load generator of bench:e2e and bench:soak, as its own process so its CPU is not the
// pipeline's: `hosts` hosts of at most `agentsPerHost` agents each, each host posting a batch of
// its agents' next steps through ingest's HTTP API every `tickMs`, one session in four looping among clean ones. With `poll`, every looping
// session holds a guidance long-poll open, as a host waiting for guidance does, and the time from
// posting the step a guidance names (its atSeq) to receiving that guidance is recorded, so the
// latency is measured from outside, through the public API, each with when its step was posted
// (seconds into the load) so that the start-up can be told from the steady state. Prints one JSON line.
//   node bench/lib/fleet-load.mjs '{"url":…,"apiKey":…,"rate":…,"seconds":…,"hosts":1,"tickMs":20,"poll":true,"run":…}'
import { cleanSession, loopingSession, sendAtRate } from './load.mjs';

const LOOPING_EVERY = 4;
const POLL_WAIT_MS = 30_000;

const {
  url,
  apiKey,
  rate,
  seconds,
  hosts = 1,
  tickMs = 20,
  agentsPerHost = 1000,
  poll = false,
  run,
} = JSON.parse(process.argv[2]);

/**
 * Opens `n` keep-alive connections to `base` (undici keeps them for the next requests), as a
 * host that has been running has them: otherwise the first second's posts and long-polls each
 * open their own while the clock runs, and the acknowledgements they wait for start the
 * host's other agents meanwhile.
 */
const openConnections = (base, n) =>
  Promise.all(
    Array.from({ length: n }, () => fetch(`${base}/health/live`).then((res) => res.text())),
  );
await Promise.all([
  openConnections(url.ingest, 50),
  poll ? openConnections(url.guidance, Math.ceil((hosts * agentsPerHost) / LOOPING_EVERY)) : null,
]);

/** sessionId → when each of its steps was posted (index = seq). */
const postedAt = new Map();
/** `{ at, ms }`: the step was posted `at` seconds into the load, its guidance came `ms` later. */
const latencies = [];
const startedAt = performance.now();
const startedAtEpochMs = Date.now();
const polls = new Set();
let guided = 0;
let loopingSent = 0;
let pollFailures = 0;
let stopping = false;
/** Events handed to a batch and sessions started, per second of the load. */
const postedPerSecond = [];
const startedPerSecond = [];
const secondNow = () => Math.floor((performance.now() - startedAt) / 1000);

/** Long-polls a session's guidance until its first one arrives (or the load is over). */
async function awaitGuidance(sessionId) {
  while (!stopping) {
    try {
      const res = await fetch(
        `${url.guidance}/v1/sessions/${encodeURIComponent(sessionId)}/guidance?waitMs=${POLL_WAIT_MS}`,
        { headers: { authorization: `Bearer ${apiKey}` } },
      );
      const received = performance.now();
      if (res.status !== 200) {
        if (pollFailures++ === 0)
          console.error(`[load] long-poll answered ${res.status}: ${await res.clone().text()}`);
        await res.text();
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const { guidance } = await res.json();
      if (guidance.length === 0) continue;
      const first = guidance.reduce((a, b) => (a.atSeq <= b.atSeq ? a : b));
      const sent = postedAt.get(sessionId)?.[first.atSeq];
      if (sent !== undefined)
        latencies.push({ at: (sent - startedAt) / 1000, ms: received - sent });
      guided++;
      return;
    } catch (error) {
      if (pollFailures++ === 0) console.error(`[load] long-poll failed: ${error.cause ?? error}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** A session's events, each stamped with the time it is handed to a batch about to be posted. */
function* stamped(id, events, looping) {
  const times = [];
  postedAt.set(id, times);
  startedPerSecond[secondNow()] = (startedPerSecond[secondNow()] ?? 0) + 1;
  if (looping && poll) {
    const waiting = awaitGuidance(id).finally(() => polls.delete(waiting));
    polls.add(waiting);
  }
  for (const event of events) {
    times[event.seq] = performance.now();
    postedPerSecond[secondNow()] = (postedPerSecond[secondNow()] ?? 0) + 1;
    yield event;
  }
  if (looping) loopingSent++;
}

const perHost = rate / hosts;
let sessionCount = 0;
const results = await Promise.all(
  Array.from({ length: hosts }, (_, host) =>
    sendAtRate({
      url: url.ingest,
      apiKey,
      rate: perHost,
      seconds,
      tickMs,
      maxLive: agentsPerHost,
      nextSession: () => {
        const n = sessionCount++;
        const looping = n % LOOPING_EVERY === 0;
        const id = `fleet-${run}-h${host}-${looping ? 'loop' : 'clean'}-${n}`;
        return stamped(id, looping ? loopingSession(id) : cleanSession(id), looping);
      },
    }),
  ),
);
// Guidance for the last steps sent may still be on its way: the polls get a little longer.
await Promise.race([Promise.all(polls), new Promise((r) => setTimeout(r, 10_000))]);
stopping = true;
const sent = results.reduce((s, r) => s + r.sent, 0);
const elapsed = Math.max(...results.map((r) => r.seconds));
// Exiting only once stdout has taken it all: a 60 s soak's JSON is over a megabyte, more than a
// pipe holds, and process.exit would cut it short.
process.stdout.write(
  JSON.stringify({
    sent,
    sessions: sessionCount,
    seconds: elapsed,
    startedAtEpochMs,
    latencies,
    acks: results.flatMap((r) => r.acks),
    postedPerSecond: Array.from(postedPerSecond, (n) => n ?? 0),
    startedPerSecond: Array.from(startedPerSecond, (n) => n ?? 0),
    guided,
    pollFailures,
    loopingSent,
  }) + '\n',
  () => process.exit(0),
);
