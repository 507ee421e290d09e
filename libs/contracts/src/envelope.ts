import { TOPICS, type PayloadOf, type Topic } from './topics.js';
import type { FieldError, Validated } from './validation.js';

/**
 * The fields each topic's consumers route and key on. Producers validate the full contract before
 * sending (TypedProducer), so a consumer trusts the versioned topic and checks only these: a
 * message without them cannot even be attributed, keyed or stored, and is set aside.
 */
const ENVELOPES: Partial<
  Record<Topic, Array<[path: string, type: 'string' | 'number' | 'object']>>
> = {
  [TOPICS.events]: [
    ['tenantId', 'string'],
    ['receivedAt', 'number'],
    ['event', 'object'],
    ['event.eventId', 'string'],
    ['event.sessionId', 'string'],
    ['event.seq', 'number'],
    ['event.kind', 'string'],
    ['event.ts', 'string'],
    ['event.agent', 'object'],
  ],
  [TOPICS.verdicts]: [
    ['verdictId', 'string'],
    ['tenantId', 'string'],
    ['sessionId', 'string'],
    ['subtype', 'string'],
    ['signature', 'string'],
    ['atSeq', 'number'],
    ['createdAt', 'number'],
  ],
  [TOPICS.guidance]: [
    ['interventionId', 'string'],
    ['tenantId', 'string'],
    ['sessionId', 'string'],
  ],
  [TOPICS.deadLetter]: [
    ['sourceTopic', 'string'],
    ['offset', 'string'],
  ],
  [TOPICS.eventsDeadLetter]: [
    ['sourceTopic', 'string'],
    ['partition', 'number'],
    ['offset', 'string'],
    ['valueBase64', 'string'],
    ['consumerGroup', 'string'],
  ],
  [TOPICS.verdictsDeadLetter]: [
    ['sourceTopic', 'string'],
    ['partition', 'number'],
    ['offset', 'string'],
    ['valueBase64', 'string'],
    ['consumerGroup', 'string'],
  ],
};

const COMPILED = new Map(
  Object.entries(ENVELOPES).map(([topic, fields]) => [
    topic,
    fields.map(([path, type]) => ({ path, keys: path.split('.'), type })),
  ]),
);

const failure = (field: string, message: string): { ok: false; error: FieldError } => ({
  ok: false,
  error: { field, message },
});

/** Parses a message read from `topic` and checks its envelope (version and routing fields) only. */
export function decodeEnvelope<T extends Topic>(
  topic: T,
  bytes: Buffer | null,
): Validated<PayloadOf<T>> {
  if (!bytes || bytes.length === 0) return failure('(root)', 'empty message');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return failure('(root)', 'not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return failure('(root)', 'expected an object');
  if ((json as { v?: unknown }).v !== 1) return failure('v', 'expected version 1');
  for (const { path, keys, type } of COMPILED.get(topic) ?? []) {
    let value: unknown = json;
    for (const key of keys) value = (value as Record<string, unknown>)[key];
    const ok =
      type === 'object'
        ? typeof value === 'object' && value !== null && !Array.isArray(value)
        : typeof value === type && (type !== 'number' || Number.isFinite(value));
    if (!ok) return failure(path, `expected ${type === 'object' ? 'an object' : `a ${type}`}`);
  }
  return { ok: true, value: json as PayloadOf<T> };
}
