import type { TrajectoryEvent } from '@wink/contracts';

const MAX = 160;

const clip = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX ? `${flat.slice(0, MAX - 1)}…` : flat;
};

/** One line that says what a step was, for a session's timeline. */
export function summariseStep(event: TrajectoryEvent): string {
  switch (event.kind) {
    case 'tool_call':
      return clip(`${event.tool?.name ?? '?'} ${JSON.stringify(event.tool?.args ?? {})}`);
    case 'tool_result': {
      const r = event.result;
      if (!r) return 'result';
      const status = r.ok
        ? 'ok'
        : `failed${r.exitCode !== undefined ? ` (exit ${r.exitCode})` : ''}`;
      const detail = r.ok ? r.output : (r.error ?? r.output);
      return clip(detail ? `${status}: ${detail}` : status);
    }
    case 'usage':
      return `${event.usage?.inputTokens ?? 0} in / ${event.usage?.outputTokens ?? 0} out tokens`;
    default:
      return clip(event.text ?? event.kind);
  }
}
