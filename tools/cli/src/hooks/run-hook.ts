import { WinkClient, type Guidance } from '@wink/client';
import type { TrajectoryEvent } from '@wink/contracts';
import { hookOutput, hookStep, type Dialect, type HookInput } from './hook-protocol.js';
import { nextStep } from './session-counter.js';

export interface HookEnv {
  url: string;
  guidanceUrl: string;
  apiKey: string;
  /** The whole hook's budget: it answers within it even when Wink cannot be reached. */
  budgetMs: number;
  env?: TrajectoryEvent['env'];
}

async function readStdin(limitMs: number): Promise<string> {
  let text = '';
  const reading = (async () => {
    for await (const chunk of process.stdin) text += chunk;
  })();
  await Promise.race([reading, new Promise((r) => setTimeout(r, limitMs).unref())]);
  return text;
}

/**
 * `wink hook claude-code|codex`: records the step the hook reports and answers with any guidance
 * waiting for the session, in the agent's hook format. Fails open: with Wink down, or anything
 * unexpected, it prints nothing and exits 0 within its budget.
 */
export async function runHook(dialect: Dialect, env: HookEnv): Promise<string> {
  const started = Date.now();
  const remaining = () => Math.max(50, env.budgetMs - (Date.now() - started));
  const input = JSON.parse(await readStdin(Math.min(500, env.budgetMs / 2))) as HookInput;
  if (!input.session_id || !input.hook_event_name) return '';
  const client = new WinkClient({
    ingestUrl: env.url,
    guidanceUrl: env.guidanceUrl,
    apiKey: env.apiKey,
    timeoutMs: remaining(),
  });
  const state = await nextStep(input.session_id, (s) => ({
    nextSeq: s.nextSeq + 1,
    sawPrompt: s.sawPrompt || input.hook_event_name === 'UserPromptSubmit',
  }));
  const body = hookStep(input, input.hook_event_name === 'UserPromptSubmit' && !state.sawPrompt);
  const work = async (): Promise<Guidance[]> => {
    if (body) {
      await client.record([
        {
          eventId: `${input.session_id}-${state.nextSeq}`,
          sessionId: input.session_id,
          seq: state.nextSeq,
          ts: new Date().toISOString(),
          agent: { name: dialect, ...(input.model ? { model: input.model } : {}) },
          ...(env.env ? { env: env.env } : {}),
          ...body,
        } as TrajectoryEvent,
      ]);
    }
    const guidance = await client.guidance(input.session_id, 0);
    await Promise.all(guidance.map((g) => client.ack(g.interventionId)));
    return guidance;
  };
  const guidance = await Promise.race([
    work(),
    new Promise<Guidance[]>((r) => setTimeout(() => r([]), remaining()).unref()),
  ]);
  const output = hookOutput(input, guidance);
  return output ? JSON.stringify(output) : '';
}
