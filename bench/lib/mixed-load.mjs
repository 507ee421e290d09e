// The load generator as its own process, so its CPU is not the pipeline's: a fixed mix of looping
// sessions among clean ones through ingest's HTTP API. Prints one JSON line with what it sent.
//   node bench/lib/mixed-load.mjs URL API_KEY RATE SESSIONS RUN_ID
import { cleanSession, loopingSession, sendAtRate } from './load.mjs';

/** One session in LOOPING_EVERY loops; the others are clean. */
export const LOOPING_EVERY = 4;
export const loopingSessionId = (run, n) => `profile-${run}-loop-${n}`;
export const cleanSessionId = (run, n) => `profile-${run}-clean-${n}`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, apiKey, rate, sessions, run] = process.argv.slice(2);
  const result = await sendAtRate({
    url,
    apiKey,
    rate: Number(rate),
    sessions: Number(sessions),
    nextSession: (n) =>
      n % LOOPING_EVERY === 0
        ? loopingSession(loopingSessionId(run, n))
        : cleanSession(cleanSessionId(run, n)),
  });
  console.log(JSON.stringify(result));
}
