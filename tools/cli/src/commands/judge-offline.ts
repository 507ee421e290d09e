import type { TrajectoryEvent } from '@wink/contracts';
import { observe, SessionWindow, type Finding } from '@wink/detectors';
import { JudgeRunner, JudgeTranscript, LlmJudge } from '@wink/judge';

export interface JudgeSpend {
  calls: number;
  tokens: number;
  steps: number;
}

/** The judge as `--judge` runs it offline, configured like the classifier's (JUDGE_* variables). */
export function judgeFromEnv(env = process.env): JudgeRunner {
  if (!env.JUDGE_BASE_URL)
    throw new Error('--judge needs JUDGE_BASE_URL (an OpenAI-compatible endpoint)');
  const model = env.JUDGE_MODEL ?? 'gpt-4o-mini';
  return new JudgeRunner(
    new LlmJudge({
      baseURL: env.JUDGE_BASE_URL,
      apiKey: env.JUDGE_API_KEY ?? 'none',
      model,
      timeoutMs: Number(env.JUDGE_TIMEOUT_MS ?? 30_000),
      maxRetries: Number(env.JUDGE_MAX_RETRIES ?? 2),
    }),
    {
      everySteps: Number(env.JUDGE_EVERY_STEPS ?? 5),
      windowTokens: Number(env.JUDGE_WINDOW_TOKENS ?? 2000),
      model,
      confirmModel: env.JUDGE_CONFIRM_MODEL,
    },
  );
}

/** Rules and judge over one session, step by step, as the classifier runs them (but waiting for each answer). */
export async function detectWithJudge(
  events: TrajectoryEvent[],
  runner: JudgeRunner,
  spend: JudgeSpend,
): Promise<Finding[]> {
  const window = new SessionWindow();
  const transcript = new JudgeTranscript();
  const findings: Finding[] = [];
  for (const event of events) {
    const rules = observe(window, event);
    findings.push(...rules);
    transcript.push(event);
    if (event.kind === 'tool_result' || event.kind === 'message') spend.steps++;
    const prompts = runner.due(transcript, rules);
    if (prompts.length === 0) continue;
    const context = runner.context(transcript, window.ledger?.constraints.map((c) => c.text) ?? []);
    const confirmed = await runner.confirmedViolations(prompts, context, (tokens) => {
      spend.calls++;
      spend.tokens += tokens;
    });
    for (const { prompt, reply } of confirmed)
      findings.push(runner.finding(prompt, reply, event.seq));
  }
  return findings;
}
