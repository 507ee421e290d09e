import {
  EventWriter,
  looksFailed,
  parseArguments,
  textOf,
  type SessionMeta,
} from '../event-writer.js';

interface OpenAiMessage {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: unknown } }>;
  tool_call_id?: string;
  name?: string;
}

/** An OpenAI chat-completions message list (`tool_calls`, `role: "tool"` replies). */
export function importOpenAiMessages(messages: OpenAiMessage[], meta: SessionMeta) {
  const w = new EventWriter(meta);
  let sawTask = false;
  for (const m of messages) {
    const text = textOf(m.content);
    if (m.role === 'user' && !sawTask) {
      sawTask = true;
      w.add({ kind: 'task', role: 'user', text });
    } else if (m.role === 'tool' || m.role === 'function') {
      w.add({
        kind: 'tool_result',
        role: 'tool',
        result: { callId: m.tool_call_id, ok: !looksFailed(text), output: text },
      });
    } else if (m.role === 'user' || m.role === 'system' || m.role === 'developer') {
      w.add({ kind: 'message', role: m.role === 'user' ? 'user' : 'system', text });
    } else if (m.role === 'assistant') {
      if (text) w.add({ kind: 'message', role: 'assistant', text });
      for (const call of m.tool_calls ?? []) {
        const callId = call.id ?? w.nextCallId();
        w.add({
          kind: 'tool_call',
          role: 'assistant',
          tool: {
            name: call.function?.name || 'unknown',
            args: parseArguments(call.function?.arguments),
            callId,
          },
        });
      }
    }
  }
  return w.events;
}
