import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { unstorable, unstorableJson } from './storable.js';
import {
  EventBatch,
  storableTimestamp,
  type EventKind,
  type TrajectoryEvent,
} from './trajectory-event.js';
import { validate, type Validated } from './validation.js';

/**
 * The shape of a batch (types, lengths, id patterns, enums, no unknown keys) as one compiled
 * validator generated from the zod contract itself, so the two cannot drift apart.
 */
const shapeOfBatch = new Ajv2020({
  strict: false,
  allErrors: false,
  validateFormats: false,
}).compile(z.toJSONSchema(EventBatch, { unrepresentable: 'any' }));

const REQUIRED: Partial<Record<EventKind, 'tool' | 'result' | 'usage' | 'text'>> = {
  tool_call: 'tool',
  tool_result: 'result',
  usage: 'usage',
  task: 'text',
};

const storableOrAbsent = (s: string | undefined) => s === undefined || unstorable(s) === null;

/** The contract's refinements that JSON Schema cannot say, on an event of the right shape. */
function refinementsHold(e: TrajectoryEvent): boolean {
  const field = REQUIRED[e.kind];
  if (field && e[field] === undefined) return false;
  if (!storableTimestamp(e.ts)) return false;
  if (!storableOrAbsent(e.text)) return false;
  const { agent, tool, result } = e;
  if (unstorable(agent.name) || !storableOrAbsent(agent.version) || !storableOrAbsent(agent.model))
    return false;
  if (tool) {
    if (unstorable(tool.name) || !storableOrAbsent(tool.callId)) return false;
    if (tool.args !== undefined && unstorableJson(tool.args)) return false;
  }
  if (result) {
    if (!storableOrAbsent(result.callId) || !storableOrAbsent(result.output)) return false;
    if (!storableOrAbsent(result.error)) return false;
  }
  return true;
}

/**
 * Validates a POST /v1/events body once, at the edge: the compiled shape check, then the
 * refinements; what passes is the contract's value as it is. Only a body that fails is run
 * through the zod schema, for the same field-naming error every endpoint gives.
 */
export function validateEventBatch(body: unknown): Validated<EventBatch> {
  if (shapeOfBatch(body) && (body as EventBatch).events.every(refinementsHold))
    return { ok: true, value: body as EventBatch };
  return validate(EventBatch, body);
}
