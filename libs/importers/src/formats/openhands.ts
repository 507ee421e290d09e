import { EventWriter, type SessionMeta } from '../event-writer.js';

interface OpenHandsEvent {
  id?: number;
  timestamp?: string;
  source?: string;
  action?: string;
  observation?: string;
  args?: Record<string, unknown>;
  content?: string;
  message?: string;
  cause?: number;
  extras?: { exit_code?: number; command?: string; path?: string };
}

const TOOL_ACTIONS = new Set([
  'run',
  'run_ipython',
  'read',
  'write',
  'edit',
  'browse',
  'browse_interactive',
  'delegate',
]);

/** An OpenHands event stream: actions (`run`, `read`, `edit`, `message`, `finish`…) and their observations. */
export function importOpenHands(events: OpenHandsEvent[], meta: SessionMeta) {
  const w = new EventWriter(meta);
  let sawTask = false;
  for (const e of events) {
    const text =
      e.content ??
      (typeof e.args?.content === 'string' ? e.args.content : undefined) ??
      e.message ??
      '';
    if (e.action === 'message' || e.action === 'system') {
      if (e.source === 'user' && !sawTask) {
        sawTask = true;
        w.add({ kind: 'task', role: 'user', text }, e.timestamp);
      } else {
        w.add(
          { kind: 'message', role: e.source === 'user' ? 'user' : 'assistant', text },
          e.timestamp,
        );
      }
    } else if (e.action === 'think') {
      w.add(
        { kind: 'message', role: 'assistant', text: String(e.args?.thought ?? text) },
        e.timestamp,
      );
    } else if (e.action === 'finish') {
      w.add(
        {
          kind: 'message',
          role: 'assistant',
          text: String(e.args?.final_thought ?? e.args?.outputs ?? text),
        },
        e.timestamp,
      );
      w.add({ kind: 'session_end', role: 'system', text: 'finish' }, e.timestamp);
    } else if (e.action && TOOL_ACTIONS.has(e.action)) {
      const args = { ...(e.args ?? {}) };
      delete args.thought;
      w.add(
        {
          kind: 'tool_call',
          role: 'assistant',
          tool: { name: e.action, args, callId: `oh-${e.id ?? w.nextCallId()}` },
        },
        e.timestamp,
      );
    } else if (e.observation === 'agent_condensation' || e.observation === 'condense') {
      w.add({ kind: 'message', role: 'system', text: 'context condensed' }, e.timestamp);
    } else if (e.observation && e.cause !== undefined && e.observation !== 'null') {
      const exitCode = e.extras?.exit_code;
      const failed = e.observation === 'error' || (exitCode !== undefined && exitCode !== 0);
      w.add(
        {
          kind: 'tool_result',
          role: 'tool',
          result: {
            callId: `oh-${e.cause}`,
            ok: !failed,
            ...(failed && e.observation === 'error' ? { error: text } : { output: text }),
            ...(exitCode !== undefined ? { exitCode } : {}),
          },
        },
        e.timestamp,
      );
    }
  }
  return w.events;
}
