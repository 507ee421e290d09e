import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** How to answer one request: a status, or a status with headers (e.g. a redirect's Location). */
export type WebhookAnswer = number | { status: number; headers?: Record<string, string> };

/**
 * A host's webhook endpoint on a loopback address (127.0.0.1 unless told): answers each request
 * with what `answer` gives for it, which may wait (a slow endpoint).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server | null = null;

  constructor(
    private readonly answer: (n: number) => WebhookAnswer | Promise<WebhookAnswer>,
    private readonly host = '127.0.0.1',
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', async () => {
        this.received.push({ headers: req.headers, body });
        const a = await this.answer(this.received.length);
        const { status, headers } = typeof a === 'number' ? { status: a, headers: {} } : a;
        res.writeHead(status, headers).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, this.host, resolve));
    return `http://${this.host}:${(this.server.address() as AddressInfo).port}/wink`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
