import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { validate } from '@wink/contracts';
import type { JudgePrompt } from './prompts.js';

export const JudgeReply = z.object({
  violation: z.boolean(),
  evidence_steps: z.array(z.number().int().nonnegative()).max(50).default([]),
  reason: z.string().min(1).max(500),
});
export type JudgeReply = z.infer<typeof JudgeReply>;

/** One answer per question, by the question's name. */
export type JudgeAnswers = Record<string, JudgeReply>;

export interface LlmJudgeOptions {
  baseURL: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
}

export type JudgeOutcome =
  | { kind: 'answer'; answers: JudgeAnswers; tokens: number }
  | { kind: 'malformed'; tokens: number; detail: string }
  | { kind: 'failed'; detail: string };

/**
 * The schema the model must answer in (structured output, strict): an object with one answer per
 * question. Only types and required keys, which every strict-schema endpoint accepts; the limits
 * of `JudgeReply` are checked on the reply.
 */
const ANSWER = z.object({
  violation: z.boolean(),
  evidence_steps: z.array(z.number()),
  reason: z.string(),
});

function answerFormat(names: string[]) {
  return zodResponseFormat(
    z.object(Object.fromEntries(names.map((n) => [n, ANSWER]))),
    'judge_answers',
  );
}

function replySchema(names: string[]) {
  return z.object(Object.fromEntries(names.map((n) => [n, JudgeReply])));
}

/**
 * All the questions due for a session in one call to any OpenAI-compatible chat-completions
 * endpoint, through the official client (timeouts, and retries with backoff on 429 and 5xx), with
 * a JSON-schema response format (JSON mode on an endpoint that refuses it). The reply must hold a
 * valid answer to every question; anything else is reported as malformed, never thrown.
 */
export class LlmJudge {
  private readonly client: OpenAI;
  /** Cleared when the endpoint refuses JSON-schema response formats; it then gets JSON mode. */
  private structured = true;

  constructor(readonly options: LlmJudgeOptions) {
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }

  async ask(
    questions: JudgePrompt[],
    preamble: string,
    context: string,
    model = this.options.model,
  ): Promise<JudgeOutcome> {
    const names = questions.map((q) => q.name);
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      {
        role: 'system',
        content: `${preamble}\n\nQUESTIONS:\n${questions.map((q) => `- ${q.name}: ${q.question}`).join('\n')}`,
      },
      { role: 'user', content: context },
    ];
    const call = () =>
      this.client.chat.completions.create({
        model,
        temperature: 0,
        response_format: this.structured ? answerFormat(names) : { type: 'json_object' },
        messages,
      });
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      try {
        completion = await call();
      } catch (error) {
        // An OpenAI-compatible server without structured outputs: the preamble states the shape.
        if (!(this.structured && error instanceof OpenAI.BadRequestError)) throw error;
        this.structured = false;
        completion = await call();
      }
    } catch (error) {
      return { kind: 'failed', detail: error instanceof Error ? error.message : String(error) };
    }
    const tokens = completion.usage?.total_tokens ?? 0;
    const content = completion.choices[0]?.message?.content ?? '';
    let json: unknown;
    try {
      json = JSON.parse(content.replace(/^```(?:json)?\s*|\s*```$/g, ''));
    } catch {
      return { kind: 'malformed', tokens, detail: 'reply is not JSON' };
    }
    const reply = validate(replySchema(names), json);
    if (!reply.ok)
      return { kind: 'malformed', tokens, detail: `${reply.error.field}: ${reply.error.message}` };
    return { kind: 'answer', answers: reply.value, tokens };
  }
}
