import { EventWriter, textOf, type SessionMeta } from '../event-writer.js';

export interface AnthropicBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}

export interface AnthropicMessage {
  role: string;
  content: string | AnthropicBlock[];
}

/** Adds one Anthropic-style message (text, `tool_use`, `tool_result` blocks) to the session. */
export function addAnthropicMessage(
  w: EventWriter,
  m: AnthropicMessage,
  state: { sawTask: boolean },
  at?: string,
): void {
  const blocks: AnthropicBlock[] =
    typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content ?? []);
  for (const b of blocks) {
    if (b.type === 'text' && b.text !== undefined) {
      if (m.role === 'user' && !state.sawTask) {
        state.sawTask = true;
        w.add({ kind: 'task', role: 'user', text: b.text }, at);
      } else {
        w.add(
          { kind: 'message', role: m.role === 'user' ? 'user' : 'assistant', text: b.text },
          at,
        );
      }
    } else if (b.type === 'tool_use') {
      w.add(
        {
          kind: 'tool_call',
          role: 'assistant',
          tool: { name: b.name ?? 'unknown', args: b.input ?? {}, callId: b.id ?? w.nextCallId() },
        },
        at,
      );
    } else if (b.type === 'tool_result') {
      const text = textOf(b.content);
      w.add(
        {
          kind: 'tool_result',
          role: 'tool',
          result: {
            callId: b.tool_use_id,
            ok: !b.is_error,
            ...(b.is_error ? { error: text } : { output: text }),
          },
        },
        at,
      );
    }
  }
}

/** An Anthropic Messages API conversation. */
export function importAnthropicMessages(messages: AnthropicMessage[], meta: SessionMeta) {
  const w = new EventWriter(meta);
  const state = { sawTask: false };
  for (const m of messages) addAnthropicMessage(w, m, state);
  return w.events;
}
