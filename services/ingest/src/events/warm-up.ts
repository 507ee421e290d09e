import { validateEventBatch } from '@wink/contracts/edge-validation.js';
import { syntheticSessions } from '@wink/detectors';
import { eventMessages } from './event-records.js';

/**
 * Runs what a posted batch goes through before its produce — parsing, validation at the edge,
 * redaction, the records' encoding — `rounds` times over the synthetic sessions, so the first
 * real batches do not pay for compiling it; returns the bytes it would have produced each round.
 */
export function warmUpEventPath(rounds = 200): number {
  const { looping, clean } = syntheticSessions();
  const body = JSON.stringify({ events: [...looping, ...clean] });
  let bytes = 0;
  for (let round = 0; round < rounds; round++) {
    const result = validateEventBatch(JSON.parse(body));
    if (!result.ok) throw new Error(`the synthetic batch is invalid: ${result.error.message}`);
    bytes = 0;
    for (const message of eventMessages('wink-warm-up', Date.now(), result.value.events))
      bytes += message.value.length;
  }
  return bytes;
}
