import type { AgentSession } from '../agent-session.js';

/** The slice of an OpenAI chat-completions message this loop uses. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_calls?: Array<{
    id: string;
    type: 'function';
    function: { name: string; arguments: string };
  }>;
  tool_call_id?: string;
}

export interface AgentLoopOptions {
  /** One model turn, e.g. `(m) => openai.chat.completions.create({ model, messages: m, tools }).then((r) => r.choices[0].message)`. */
  chat: (messages: ChatMessage[]) => Promise<ChatMessage>;
  /** The agent's tools, by name. */
  tools: Record<string, (args: Record<string, unknown>) => Promise<string>>;
  session: AgentSession;
  task: string;
  maxTurns?: number;
}

/**
 * A generic OpenAI-tools agent loop wired to Wink: every message, tool call and result is
 * recorded; guidance waiting before the next turn is handed to the model as a system message;
 * a `halt` stops the loop for a person to look.
 */
export async function runAgentLoop(
  o: AgentLoopOptions,
): Promise<{ messages: ChatMessage[]; halted: boolean }> {
  const messages: ChatMessage[] = [{ role: 'user', content: o.task }];
  o.session.task(o.task);
  for (let turn = 0; turn < (o.maxTurns ?? 30); turn++) {
    for (const g of await o.session.guidance(0)) {
      messages.push({ role: 'system', content: g.text });
      if (g.severity === 'halt') return { messages, halted: true };
    }
    const reply = await o.chat(messages);
    messages.push(reply);
    if (reply.content) o.session.say(reply.content);
    if (!reply.tool_calls?.length) break;
    for (const call of reply.tool_calls) {
      let args: Record<string, unknown> = {};
      try {
        args = JSON.parse(call.function.arguments) as Record<string, unknown>;
      } catch {
        // recorded as given: Wink reports unparseable arguments
      }
      o.session.toolCall(
        call.function.name,
        call.function.arguments.trim().startsWith('{') ? args : call.function.arguments,
        call.id,
      );
      const tool = o.tools[call.function.name];
      let output: string;
      let ok = true;
      try {
        output = tool ? await tool(args) : `Error: unknown tool ${call.function.name}`;
        ok = Boolean(tool);
      } catch (error) {
        output = `Error: ${(error as Error).message}`;
        ok = false;
      }
      o.session.toolResult(call.id, { ok, output });
      messages.push({ role: 'tool', tool_call_id: call.id, content: output });
    }
  }
  return { messages, halted: false };
}
