import { Logger } from '@nestjs/common';
import pg from 'pg';
import { API_KEY_REVOKED_CHANNEL } from '@wink/persistence';

/**
 * LISTENs for revoked keys' hashes. `onRevoked` runs for each; `onGap` when the connection was
 * lost and notifications may have been missed (the caller then forgets everything it cached).
 */
export class KeyRevocations {
  private readonly log = new Logger(KeyRevocations.name);
  private client: pg.Client | null = null;
  private closing = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly onRevoked: (keyHash: string) => void,
    private readonly onGap: () => void,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (n) => {
      if (n.payload) this.onRevoked(n.payload);
    });
    client.on('error', (error) => {
      this.log.warn({ msg: 'key revocation listener lost its connection', error: String(error) });
      this.reconnectSoon();
    });
    await client.connect();
    await client.query(`LISTEN ${API_KEY_REVOKED_CHANNEL}`);
    this.client = client;
    this.onGap();
  }

  async stop(): Promise<void> {
    this.closing = true;
    await this.client?.end().catch(() => undefined);
  }

  private reconnectSoon(): void {
    if (this.closing) return;
    const lost = this.client;
    this.client = null;
    lost?.end().catch(() => undefined);
    setTimeout(() => {
      this.start().catch(() => this.reconnectSoon());
    }, 1000).unref();
  }
}
