import { categoryOf } from '@wink/contracts';
import type { Finding } from '@wink/detectors';
import type { JudgeReply, LlmJudge } from './llm-judge.js';
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

/**
 * When to ask the judge and what: every `everySteps` steps of a session all questions, and at
 * once the question of an uncertain rule finding's subtype. A violation counts only when a
 * second answer agrees.
 */
export class JudgeRunner {
  readonly prompts: JudgePrompt[];
  private readonly replyFormat: string;

  constructor(
    private readonly judge: LlmJudge,
    readonly options: JudgeRunnerOptions,
  ) {
    ({ prompts: this.prompts, replyFormat: this.replyFormat } = loadPrompts());
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

  context(transcript: JudgeTranscript, constraints: string[]): string {
    return `TASK:\n${transcript.task}\n\nCONSTRAINTS THE TASK STATES:\n${
      constraints.map((c) => `- ${c}`).join('\n') || '- none found'
    }\n\nRECENT STEPS ([step] what happened):\n${transcript.render(this.options.windowTokens)}`;
  }

  /** A confirmed violation, or null. `spent` is told the tokens of every answer, failed or not. */
  async confirmedViolation(
    prompt: JudgePrompt,
    context: string,
    spent: (tokens: number, outcome: 'answer' | 'malformed' | 'failed') => Promise<void> | void,
  ): Promise<JudgeReply | null> {
    const first = await this.askOnce(prompt, context, this.options.model, spent);
    if (!first?.violation) return null;
    const second = await this.askOnce(
      prompt,
      context,
      this.options.confirmModel ?? this.options.model,
      spent,
    );
    return second?.violation ? first : null;
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
    prompt: JudgePrompt,
    context: string,
    model: string,
    spent: (tokens: number, outcome: 'answer' | 'malformed' | 'failed') => Promise<void> | void,
  ): Promise<JudgeReply | null> {
    const outcome = await this.judge.ask(prompt, this.replyFormat, context, model);
    await spent(outcome.kind === 'failed' ? 0 : outcome.tokens, outcome.kind);
    return outcome.kind === 'answer' ? outcome.reply : null;
  }
}
