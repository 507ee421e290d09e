import type { TrajectoryEvent } from '@wink/contracts';
import { redactSecrets } from './redact.js';

function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, depth + 1)]));
}

/** The event with secrets masked in every text it carries: message, tool arguments, tool output. */
export function redactEvent(event: TrajectoryEvent): TrajectoryEvent {
  return {
    ...event,
    ...(event.text !== undefined ? { text: redactSecrets(event.text) } : {}),
    ...(event.tool ? { tool: { ...event.tool, args: redactValue(event.tool.args) } } : {}),
    ...(event.result
      ? {
          result: {
            ...event.result,
            ...(event.result.output !== undefined
              ? { output: redactSecrets(event.result.output) }
              : {}),
            ...(event.result.error !== undefined
              ? { error: redactSecrets(event.result.error) }
              : {}),
          },
        }
      : {}),
  };
}
