import OpenAI from 'openai';
import { z } from 'zod';
import { validate } from '@wink/contracts';
import type { JudgePrompt } from './prompts.js';

export const JudgeReply = z.object({
  violation: z.boolean(),
  evidence_steps: z.array(z.number().int().nonnegative()).max(50).default([]),
  reason: z.string().min(1).max(500),
});
export type JudgeReply = z.infer<typeof JudgeReply>;

export interface LlmJudgeOptions {
  baseURL: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
}

export type JudgeOutcome =
  | { kind: 'answer'; reply: JudgeReply; tokens: number }
  | { kind: 'malformed'; tokens: number; detail: string }
  | { kind: 'failed'; detail: string };

/**
 * One binary question to any OpenAI-compatible chat-completions endpoint, through the official
 * client (timeouts, and retries with backoff on 429 and 5xx). The reply must be JSON of the
 * `JudgeReply` shape; anything else is reported as malformed, never thrown.
 */
export class LlmJudge {
  private readonly client: OpenAI;

  constructor(readonly options: LlmJudgeOptions) {
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }

  async ask(
    prompt: JudgePrompt,
    replyFormat: string,
    context: string,
    model = this.options.model,
  ): Promise<JudgeOutcome> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create({
        model,
        temperature: 0,
        response_format: { type: 'json_object' },
        messages: [
          { role: 'system', content: `${prompt.question}\n\n${replyFormat}` },
          { role: 'user', content: context },
        ],
      });
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
    const reply = validate(JudgeReply, json);
    if (!reply.ok)
      return { kind: 'malformed', tokens, detail: `${reply.error.field}: ${reply.error.message}` };
    return { kind: 'answer', reply: reply.value, tokens };
  }
}
