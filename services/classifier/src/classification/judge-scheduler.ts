import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TOPICS, type EventRecordV1 } from '@wink/contracts';
import { DEFAULT_THRESHOLDS, type Finding, type SessionWindow } from '@wink/detectors';
import { JudgeRunner, JudgeTranscript, LlmJudge, type JudgePrompt } from '@wink/judge';
import { TypedProducer } from '@wink/kafka';
import { addJudgeUsage, judgeTokensToday } from '@wink/persistence';
import { counter } from '@wink/platform';
import { CLASSIFIER_CONFIG } from '../tokens.js';
import type { ClassifierConfig } from '../config.js';
import { toVerdict } from './verdict.js';

const calls = counter('wink_judge_calls_total', 'LLM judge calls', ['result']);
const tokensSpent = counter('wink_judge_tokens_total', 'Tokens the LLM judge spent', ['tenant']);
const skipped = counter('wink_judge_skipped_total', 'Judge runs not made or answers not used', [
  'reason',
]);

const OUTAGE_AFTER_FAILURES = 3;
const TRANSCRIPTS_MAX = 20_000;
const BUDGET_CACHE_MS = 5000;

/**
 * Runs the LLM judge beside the rules, never in the consumer's way: every `judgeEverySteps`
 * steps of a session (a tenant threshold), and at once for an uncertain rule finding, all due
 * questions in one call. Calls run asynchronously under
 * a per-tenant concurrency cap and a daily token cap; a violation needs two agreeing answers
 * before it becomes a verdict; an answer about a step the session has long left is dropped.
 */
@Injectable()
export class JudgeScheduler {
  private readonly log = new Logger(JudgeScheduler.name);
  private readonly runner: JudgeRunner | null;
  private readonly transcripts = new Map<string, JudgeTranscript>();
  private readonly running = new Map<string, number>();
  private readonly budget = new Map<string, { spent: number; until: number }>();
  private consecutiveFailures = 0;

  constructor(
    @Inject(CLASSIFIER_CONFIG) private readonly config: ClassifierConfig,
    @Inject(TypedProducer) private readonly producer: TypedProducer,
    @Inject(DataSource) private readonly db: DataSource,
  ) {
    this.runner = config.JUDGE_ENABLED
      ? new JudgeRunner(
          new LlmJudge({
            baseURL: config.JUDGE_BASE_URL!,
            apiKey: config.JUDGE_API_KEY,
            model: config.JUDGE_MODEL,
            timeoutMs: config.JUDGE_TIMEOUT_MS,
            maxRetries: config.JUDGE_MAX_RETRIES,
          }),
          {
            everySteps: DEFAULT_THRESHOLDS.judgeEverySteps,
            windowTokens: config.JUDGE_WINDOW_TOKENS,
            model: config.JUDGE_MODEL,
            confirmModel: config.JUDGE_CONFIRM_MODEL,
          },
        )
      : null;
  }

  /** off, up, or degraded (the endpoint has failed several times in a row: rules only). */
  get status(): 'off' | 'up' | 'degraded' {
    if (!this.runner) return 'off';
    return this.consecutiveFailures >= OUTAGE_AFTER_FAILURES ? 'degraded' : 'up';
  }

  /** Called for every event after the rules ran; starts judge runs without waiting for them. */
  observe(
    record: EventRecordV1,
    window: SessionWindow,
    findings: Finding[],
    everySteps: number,
  ): void {
    if (!this.runner) return;
    const key = `${record.tenantId}\u0000${record.event.sessionId}`;
    let transcript = this.transcripts.get(key);
    if (!transcript) {
      transcript = new JudgeTranscript();
      this.transcripts.set(key, transcript);
      if (this.transcripts.size > TRANSCRIPTS_MAX)
        this.transcripts.delete(this.transcripts.keys().next().value!);
    }
    transcript.push(record.event);
    const prompts = this.runner.due(transcript, findings, everySteps);
    if (prompts.length === 0) return;
    // Checked before the context is built: building it marks the steps as read by the judge.
    if ((this.running.get(record.tenantId) ?? 0) >= this.config.JUDGE_CONCURRENCY_PER_TENANT) {
      skipped.inc({ reason: 'concurrency' });
      return;
    }
    const context = this.runner.context(
      transcript,
      window.ledger?.constraints.map((c) => c.text) ?? [],
    );
    void this.run(record, window, window.events, prompts, context).catch((error) =>
      this.log.warn({
        msg: 'judge run failed',
        tenantId: record.tenantId,
        sessionId: record.event.sessionId,
        error: String(error),
      }),
    );
  }

  private async run(
    record: EventRecordV1,
    window: SessionWindow,
    eventsBefore: number,
    prompts: JudgePrompt[],
    context: string,
  ): Promise<void> {
    const tenant = record.tenantId;
    this.running.set(tenant, (this.running.get(tenant) ?? 0) + 1);
    try {
      if ((await this.spentToday(tenant)) >= this.config.JUDGE_DAILY_TOKENS_PER_TENANT) {
        skipped.inc({ reason: 'over_budget' });
        this.log.warn({
          msg: 'judge stopped for the day: tenant over its token cap',
          tenantId: tenant,
        });
        return;
      }
      const confirmed = await this.runner!.confirmedViolations(prompts, context, (tokens, result) =>
        this.spend(tenant, tokens, result),
      );
      for (const { prompt, reply } of confirmed) {
        if (window.events - eventsBefore > this.config.JUDGE_STALE_STEPS) {
          skipped.inc({ reason: 'stale' });
          continue;
        }
        const finding = this.runner!.finding(prompt, reply, record.event.seq);
        const verdict = toVerdict(record, window, finding);
        await this.producer.send(TOPICS.verdicts, [{ key: verdict.sessionId, value: verdict }]);
      }
    } finally {
      this.running.set(tenant, (this.running.get(tenant) ?? 1) - 1);
    }
  }

  private async spend(
    tenant: string,
    tokens: number,
    result: 'answer' | 'malformed' | 'failed',
  ): Promise<void> {
    calls.inc({ result });
    if (result === 'failed') {
      this.consecutiveFailures++;
      return;
    }
    this.consecutiveFailures = 0;
    tokensSpent.inc({ tenant }, tokens);
    const cached = this.budget.get(tenant);
    if (cached) cached.spent += tokens;
    await addJudgeUsage(this.db, tenant, tokens);
  }

  private async spentToday(tenant: string): Promise<number> {
    const cached = this.budget.get(tenant);
    if (cached && cached.until > Date.now()) return cached.spent;
    const spent = await judgeTokensToday(this.db, tenant);
    this.budget.set(tenant, { spent, until: Date.now() + BUDGET_CACHE_MS });
    return spent;
  }
}
