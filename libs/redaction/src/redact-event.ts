import { clip, MAX_ARG_KEY, MAX_TEXT, type TrajectoryEvent } from '@wink/contracts';
import { maySecret, redactSecrets } from './redact.js';

/** Redacted, and still within the field's contract (a marker can be longer than what it hides). */
const redacted = (text: string, max: number) => clip(redactSecrets(text), max);

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else target[key] = value;
}

/**
 * A copy of a JSON value with secrets masked in every string and every object key, at any
 * depth: iterative, so nesting cannot exhaust the stack and nothing is ever passed through raw.
 */
export function redactJson(value: unknown): unknown {
  if (typeof value === 'string') return redacted(value, MAX_TEXT);
  if (value === null || typeof value !== 'object') return value;
  const root: unknown[] = [undefined];
  const stack: Array<[unknown, unknown[] | Record<string, unknown>, string | number]> = [
    [value, root, 0],
  ];
  while (stack.length > 0) {
    const [source, target, key] = stack.pop()!;
    let copy: unknown;
    if (typeof source === 'string') copy = redacted(source, MAX_TEXT);
    else if (source === null || typeof source !== 'object') copy = source;
    else if (Array.isArray(source)) {
      const array = new Array<unknown>(source.length);
      for (let i = 0; i < source.length; i++) stack.push([source[i], array, i]);
      copy = array;
    } else {
      const object: Record<string, unknown> = {};
      for (const k of Object.keys(source))
        stack.push([(source as Record<string, unknown>)[k], object, redacted(k, MAX_ARG_KEY)]);
      copy = object;
    }
    if (Array.isArray(target)) target[key as number] = copy;
    else put(target, key as string, copy);
  }
  return root[0];
}

/** Whether any string of a JSON value, or any object key in it, may hold a secret. */
function jsonMaySecret(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (maySecret(v)) return true;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        if (maySecret(k)) return true;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  return false;
}

const absentOrClean = (text: string | undefined) => text === undefined || !maySecret(text);

/** Whether some text of the event may hold a secret, checking what `redactEvent` masks. */
function eventMaySecret({ agent, text, tool, result }: TrajectoryEvent): boolean {
  if (!absentOrClean(agent.name) || !absentOrClean(agent.version)) return true;
  if (!absentOrClean(agent.model) || !absentOrClean(text)) return true;
  if (tool && (maySecret(tool.name) || (tool.args !== undefined && jsonMaySecret(tool.args))))
    return true;
  return !!result && (!absentOrClean(result.output) || !absentOrClean(result.error));
}

/**
 * The event with secrets masked in every text it carries — message, tool name and arguments
 * (keys too), tool output and error, the agent's name, version and model — each kept within its
 * contract's length. Ids are left as they are: they are the event's identity and idempotency key.
 * An event with nothing to mask is returned itself, not copied.
 */
export function redactEvent(event: TrajectoryEvent): TrajectoryEvent {
  // An event within its contract whose texts hold no secret is already what this returns.
  if (!eventMaySecret(event)) return event;
  const { agent, tool, result } = event;
  const out: TrajectoryEvent = {
    ...event,
    agent: {
      ...agent,
      name: redacted(agent.name, 128),
      ...(agent.version !== undefined ? { version: redacted(agent.version, 64) } : {}),
      ...(agent.model !== undefined ? { model: redacted(agent.model, 128) } : {}),
    },
  };
  if (event.text !== undefined) out.text = redacted(event.text, MAX_TEXT);
  if (tool)
    out.tool = {
      ...tool,
      name: redacted(tool.name, 200),
      ...(tool.args !== undefined ? { args: redactJson(tool.args) } : {}),
    };
  if (result)
    out.result = {
      ...result,
      ...(result.output !== undefined ? { output: redacted(result.output, MAX_TEXT) } : {}),
      ...(result.error !== undefined ? { error: redacted(result.error, MAX_TEXT) } : {}),
    };
  return out;
}
