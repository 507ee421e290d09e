import { categoryOf } from '@wink/contracts';
import type { Finding } from '@wink/detectors';
import type { JudgeAnswers, JudgeReply, LlmJudge } from './llm-judge.js';
import { loadPrompts, type JudgePrompt } from './prompts.js';
import type { JudgeTranscript } from './transcript.js';

/** Below this confidence a rule finding is sent to the judge for confirmation. */
export const UNCERTAIN_CONFIDENCE = 0.8;

export interface JudgeRunnerOptions {
  everySteps: number;
  windowTokens: number;
  model: string;
  /** A second model to confirm a violation; the same model asked again when unset. */
  confirmModel?: string;
}

/** A question the judge answered "violation" to, twice. */
export interface ConfirmedViolation {
  prompt: JudgePrompt;
  reply: JudgeReply;
}

export type SpendReport = (
  tokens: number,
  outcome: 'answer' | 'malformed' | 'failed',
) => Promise<void> | void;

/**
 * When to ask the judge and what: every `everySteps` steps of a session all questions, and at
 * once the question of an uncertain rule finding's subtype — all due questions in one call. A
 * violation counts only when a second answer agrees.
 */
export class JudgeRunner {
  readonly prompts: JudgePrompt[];
  private readonly preamble: string;

  constructor(
    private readonly judge: LlmJudge,
    readonly options: JudgeRunnerOptions,
  ) {
    ({ prompts: this.prompts, preamble: this.preamble } = loadPrompts());
  }

  /**
   * The questions due after the latest step (`everySteps`: the tenant's cadence, if it set one);
   * resets the session's cadence when they are all due.
   */
  due(
    transcript: JudgeTranscript,
    findings: Pick<Finding, 'subtype' | 'confidence'>[],
    everySteps = this.options.everySteps,
  ): JudgePrompt[] {
    if (transcript.stepsSinceJudged >= everySteps) {
      transcript.stepsSinceJudged = 0;
      return this.prompts;
    }
    const uncertain = new Set(
      findings.filter((f) => f.confidence < UNCERTAIN_CONFIDENCE).map((f) => f.subtype),
    );
    return this.prompts.filter((p) => uncertain.has(p.subtype));
  }

  /** What the judge is shown; from then on the steps in it count as read. */
  context(transcript: JudgeTranscript, constraints: string[]): string {
    const context = `TASK:\n${transcript.task}\n\nCONSTRAINTS THE TASK STATES:\n${
      constraints.map((c) => `- ${c}`).join('\n') || '- none found'
    }\n\nRECENT STEPS ([step] what happened):\n${transcript.render(this.options.windowTokens)}`;
    transcript.markRead();
    return context;
  }

  /**
   * Asks all the prompts in one call; those answered with a violation are asked again, together,
   * of the confirming model, and the ones it agrees on are returned. `spent` is told the tokens
   * of every answer, failed or not.
   */
  async confirmedViolations(
    prompts: JudgePrompt[],
    context: string,
    spent: SpendReport,
  ): Promise<ConfirmedViolation[]> {
    const first = await this.askOnce(prompts, context, this.options.model, spent);
    const flagged = prompts.filter((p) => first?.[p.name]?.violation);
    if (flagged.length === 0) return [];
    const second = await this.askOnce(
      flagged,
      context,
      this.options.confirmModel ?? this.options.model,
      spent,
    );
    return flagged
      .filter((p) => second?.[p.name]?.violation)
      .map((prompt) => ({ prompt, reply: first![prompt.name] }));
  }

  detectorName(prompt: JudgePrompt): string {
    return `llm/${this.options.model}@${prompt.name}.${prompt.version}`;
  }

  /** A confirmed violation as a detector finding, citing the steps the judge named (or `atSeq`). */
  finding(prompt: JudgePrompt, reply: JudgeReply, atSeq: number): Finding {
    const steps = reply.evidence_steps.length ? reply.evidence_steps : [atSeq];
    return {
      category: categoryOf(prompt.subtype),
      subtype: prompt.subtype,
      confidence: 0.75,
      signature: `judge:${prompt.name}`,
      fromSeq: Math.min(...steps),
      toSeq: Math.max(...steps),
      reason: reply.reason,
      detector: this.detectorName(prompt),
    };
  }

  private async askOnce(
    prompts: JudgePrompt[],
    context: string,
    model: string,
    spent: SpendReport,
  ): Promise<JudgeAnswers | null> {
    const outcome = await this.judge.ask(prompts, this.preamble, context, model);
    await spent(outcome.kind === 'failed' ? 0 : outcome.tokens, outcome.kind);
    return outcome.kind === 'answer' ? outcome.answers : null;
  }
}
