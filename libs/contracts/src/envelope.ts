import { TOPICS, type PayloadOf, type Topic } from './topics.js';
import type { Validated } from './validation.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isSeq = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const fail = (field: string, message: string) =>
  ({ ok: false, error: { field, message } }) as const;

/** What each topic's consumers key on; the rest was validated by the producer against the contract. */
const ENVELOPES: Record<Topic, (m: Json) => ReturnType<typeof fail> | null> = {
  [TOPICS.events]: (m) => {
    const e = m.event;
    if (!isObject(e)) return fail('event', 'must be an object');
    if (typeof e.sessionId !== 'string') return fail('event.sessionId', 'must be a string');
    if (typeof e.eventId !== 'string') return fail('event.eventId', 'must be a string');
    if (!isSeq(e.seq)) return fail('event.seq', 'must be a non-negative integer');
    if (typeof e.kind !== 'string') return fail('event.kind', 'must be a string');
    if (!isObject(e.agent)) return fail('event.agent', 'must be an object');
    return null;
  },
  [TOPICS.verdicts]: (m) =>
    typeof m.sessionId !== 'string'
      ? fail('sessionId', 'must be a string')
      : typeof m.verdictId !== 'string'
        ? fail('verdictId', 'must be a string')
        : null,
  [TOPICS.guidance]: (m) =>
    typeof m.sessionId !== 'string'
      ? fail('sessionId', 'must be a string')
      : typeof m.interventionId !== 'string'
        ? fail('interventionId', 'must be a string')
        : null,
  [TOPICS.deadLetter]: (m) =>
    typeof m.sourceTopic !== 'string' ? fail('sourceTopic', 'must be a string') : null,
};

/**
 * Parses bytes read from a topic and checks only the envelope — version, tenant and the keys the
 * consumers route on. Producers validate the full contract before sending (ingest at the edge,
 * `encodeMessage` elsewhere), so consumers trust the rest; `decodeMessage` keeps the full check
 * for tests and the CLI.
 */
export function decodeEnvelope<T extends Topic>(
  topic: T,
  bytes: Buffer | null,
): Validated<PayloadOf<T>> {
  if (!bytes) return fail('(root)', 'empty message');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return fail('(root)', 'not valid JSON');
  }
  if (!isObject(json)) return fail('(root)', 'must be an object');
  if (json.v !== 1) return fail('v', 'must be 1');
  if (
    topic !== TOPICS.deadLetter &&
    (typeof json.tenantId !== 'string' || !UUID.test(json.tenantId))
  )
    return fail('tenantId', 'must be a UUID');
  return ENVELOPES[topic](json) ?? { ok: true, value: json as PayloadOf<T> };
}
