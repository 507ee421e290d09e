import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentSession } from '../agent-session.js';
import type { Guidance, WinkClient } from '../wink-client.js';
import { runAgentLoop, type ChatMessage } from './openai-tools-agent.js';

/** A stand-in for Wink that records what it was sent and answers the third poll with a nudge. */
function fakeWink() {
  const recorded: unknown[] = [];
  let polls = 0;
  const client = {
    record: async (events: unknown[]) => (recorded.push(...events), events.length),
    guidance: async (): Promise<Guidance[]> =>
      ++polls === 3
        ? [
            {
              interventionId: 'g1',
              severity: 'nudge',
              text: '[Wink] stop re-running the same failing command',
            } as Guidance,
          ]
        : [],
    ack: async () => undefined,
  } as unknown as WinkClient;
  return { client, recorded };
}

describe('runAgentLoop', () => {
  it('records every step, and hands guidance to the model as a system message', async () => {
    const { client, recorded } = fakeWink();
    const session = new AgentSession(client, 'loop-1', { name: 'example', model: 'gpt-x' }, 'dev', {
      flushMs: 10_000,
    });
    const seen: ChatMessage[][] = [];
    let turn = 0;
    const chat = async (messages: ChatMessage[]): Promise<ChatMessage> => {
      seen.push([...messages]);
      turn++;
      if (turn <= 2) {
        return {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: `c${turn}`,
              type: 'function',
              function: { name: 'run', arguments: '{"cmd":"npm test"}' },
            },
          ],
        };
      }
      return { role: 'assistant', content: 'I will read the failing test first.' };
    };
    const result = await runAgentLoop({
      chat,
      tools: { run: async () => 'FAIL 1 test' },
      session,
      task: 'Fix the test.',
    });
    await session.end();
    assert.equal(result.halted, false);
    assert.deepEqual(seen[2].at(-1), {
      role: 'system',
      content: '[Wink] stop re-running the same failing command',
    });
    assert.deepEqual(
      (recorded as Array<{ kind: string }>).map((e) => e.kind),
      ['task', 'tool_call', 'tool_result', 'tool_call', 'tool_result', 'message', 'session_end'],
    );
  });
});
