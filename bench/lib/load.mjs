// The benchmarks' load: scripted agent sessions, interleaved as concurrent agents are, posted
// through ingest's public HTTP API at a fixed rate.
import { readFileSync } from 'node:fs';

const FAILURE =
  'FAIL tests/dates.test.ts > parses ISO weeks\nAssertionError: expected 2024-12-30 to equal 2024-01-01';
const SAMPLES = new URL('../../samples/', import.meta.url);

/** A session that runs the same failing test again and again: the detectors flag it. */
export function* loopingSession(id, calls = 10) {
  const base = { sessionId: id, agent: { name: 'bench-agent', model: 'scripted' }, env: 'dev' };
  let seq = 0;
  const ev = (body) => ({
    ...base,
    eventId: `${id}-${seq}`,
    seq: seq++,
    ts: new Date().toISOString(),
    ...body,
  });
  yield ev({ kind: 'task', role: 'user', text: 'Fix the failing date test.' });
  for (let i = 0; i < calls; i++) {
    yield ev({
      kind: 'tool_call',
      role: 'assistant',
      tool: { name: 'Bash', args: { command: 'npm test' }, callId: `c${i}` },
    });
    yield ev({
      kind: 'tool_result',
      role: 'tool',
      result: { callId: `c${i}`, ok: false, exitCode: 1, output: FAILURE },
    });
  }
}

const cleanSample = readFileSync(new URL('clean-session.jsonl', SAMPLES), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line));

/** The bundled clean session (samples/clean-session.jsonl) under a new id: nothing to flag. */
export function* cleanSession(id) {
  for (const event of cleanSample) {
    yield {
      ...event,
      sessionId: id,
      eventId: `${id}-${event.seq}`,
      ts: new Date().toISOString(),
    };
  }
}

/**
 * Posts `rate` events/s, one batch every `tickMs`, each batch taking the next event of each of up
 * to `rate × tickMs` sessions, at least `concurrent` at a time; `nextSession(n)` makes the n-th
 * session's event generator. A session is posted in order, as an agent does: its next event waits
 * until the batch holding its previous one is acknowledged (more sessions start meanwhile).
 * Runs for `seconds` s, or, given `sessions`, until that many sessions have been sent in full.
 * At most `maxLive` sessions run at once, as a host runs a fixed number of agents: when every
 * one waits for its acknowledgement, the rate drops rather than more agents starting.
 * Resolves when every batch is acknowledged, with how many events and sessions were sent.
 */
export async function sendAtRate({
  url,
  apiKey,
  rate,
  seconds,
  sessions: sessionLimit = Infinity,
  nextSession,
  concurrent = 50,
  tickMs = 20,
  maxLive = Infinity,
}) {
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const live = []; // { events, busy }
  let cursor = 0;
  let sessions = 0;
  const takeBatch = () => {
    const events = [];
    const members = new Set();
    let scanned = 0;
    while (events.length < perTick) {
      let session;
      const canStart = sessions < sessionLimit && live.length < maxLive;
      if (canStart && (live.length < concurrent || scanned >= live.length)) {
        session = { events: nextSession(sessions++), busy: false };
        live.push(session);
      } else if (scanned >= live.length) {
        break; // every session left is waiting for an acknowledgement
      } else {
        session = live[cursor % live.length];
        cursor = (cursor + 1) % live.length;
        scanned++;
        if (session.busy || members.has(session)) continue;
      }
      const next = session.events.next();
      if (next.done) live.splice(live.indexOf(session), 1);
      else {
        events.push(next.value);
        members.add(session);
      }
    }
    for (const session of members) session.busy = true;
    return { events, members };
  };

  let sent = 0;
  let failure = null;
  const acks = []; // { at, ms }: a post's start, seconds into the run, and its acknowledgement
  const started = Date.now();
  const startedPerf = performance.now();
  const inFlight = new Set();
  const more = () =>
    seconds === undefined
      ? sessions < sessionLimit || live.length > 0
      : Date.now() - started < seconds * 1000;
  for (let tick = 0; more(); tick++) {
    const { events, members } = takeBatch();
    if (events.length === 0) {
      await new Promise((r) => setTimeout(r, tickMs)); // let acknowledgements free a session
      continue;
    }
    const postedAt = performance.now();
    const post = fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    })
      .then(async (res) => {
        if (res.status !== 202)
          throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
        sent += events.length;
        const now = performance.now();
        acks.push({ at: (postedAt - startedPerf) / 1000, ms: now - postedAt });
      })
      .catch((error) => {
        failure ??= error;
      })
      .finally(() => {
        for (const session of members) session.busy = false;
        inFlight.delete(post);
      });
    inFlight.add(post);
    const due = started + (tick + 1) * tickMs;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return { sent, sessions, acks, seconds: (Date.now() - started) / 1000 };
}

export const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
