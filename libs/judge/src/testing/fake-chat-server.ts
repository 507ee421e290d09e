import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedReply {
  status?: number;
  /** The assistant message content (wrapped in a chat-completions response). */
  content?: string;
  /** A raw body instead of a chat-completions response. */
  raw?: string;
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface ReceivedChat {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: {
    type: string;
    json_schema?: { name: string; strict?: boolean; schema: { properties?: object } };
  };
}

/** One question's answer, as the judge's combined reply holds it. */
export interface FakeAnswer {
  violation: boolean;
  evidence_steps?: number[];
  reason: string;
}

/** The ids of the questions a request asks: the properties of its JSON-schema response format. */
export function questionsAsked(request: ReceivedChat): string[] {
  return Object.keys(request.response_format?.json_schema?.schema.properties ?? {});
}

/**
 * A small server on loopback that speaks the chat-completions API, answering each request with
 * the reply the script gives for it: for testing the judge without a model.
 */
export class FakeChatServer {
  readonly received: ReceivedChat[] = [];
  /** Total tokens the last reply reported. */
  lastTotalTokens = 0;
  private server: Server | null = null;

  constructor(private script: (request: ReceivedChat, n: number) => ScriptedReply) {}

  setScript(script: (request: ReceivedChat, n: number) => ScriptedReply): void {
    this.script = script;
  }

  /**
   * A script answering the judge's combined question: for each question the request asks, the
   * answer `decide` gives for it.
   */
  static answering(
    decide: (question: string, request: ReceivedChat) => FakeAnswer,
  ): (request: ReceivedChat) => ScriptedReply {
    return (request) => ({
      content: JSON.stringify(
        Object.fromEntries(
          questionsAsked(request).map((q) => {
            const a = decide(q, request);
            return [q, { evidence_steps: [], ...a }];
          }),
        ),
      ),
    });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  /**
   * Usage as a model would report it, estimated at four characters a token: the messages, the
   * response format's schema (which the model is given too) and the reply.
   */
  private usage(request: ReceivedChat, content: string) {
    const schema = request.response_format ? JSON.stringify(request.response_format).length : 0;
    const prompt = Math.ceil(
      (request.messages.reduce((n, m) => n + m.content.length, 0) + schema) / 4,
    );
    const completion = Math.ceil(content.length / 4);
    this.lastTotalTokens = prompt + completion;
    return {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    };
  }

  private async answer(
    req: IncomingMessage,
    res: import('node:http').ServerResponse,
  ): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = JSON.parse(body) as ReceivedChat;
    this.received.push(request);
    const reply = this.script(request, this.received.length);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    const payload =
      reply.raw ??
      JSON.stringify({
        id: `chatcmpl-${this.received.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [
          {
            index: 0,
            finish_reason: 'stop',
            message: { role: 'assistant', content: reply.content ?? '' },
          },
        ],
        usage: this.usage(request, reply.content ?? ''),
      });
    res
      .writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers })
      .end(payload);
  }
}
