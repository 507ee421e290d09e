import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { verifyWebhookSignature } from '@wink/client';
import { CONSUMER_GROUPS } from '@wink/contracts';
import type { IssuedKey } from '@wink/persistence';
import {
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  waitFor,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { loadSample, postEvents, request } from './harness/http.js';
import { Pipeline } from './harness/pipeline.js';
import { WebhookReceiver } from './harness/webhook-receiver.js';

const SECRET = 'whsec_egress_0123456789abcdef';
/** The one internal address the operator admits; the receivers Wink must not reach use 127.0.0.1. */
const ADMITTED = '127.0.0.2';

describe('webhooks cannot reach inside (real Kafka, real Postgres)', () => {
  let db: DataSource;
  let admin: Admin;
  const pipeline = new Pipeline({
    WEBHOOK_ALLOW_CIDRS: `${ADMITTED}/32`,
    WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
    WEBHOOK_TIMEOUT_MS: '60000',
    WEBHOOK_TENANT_CONCURRENCY: '1',
    WEBHOOK_MAX_ATTEMPTS: '2',
    WEBHOOK_BACKOFF_MS: '50',
  });
  const ingest = () => pipeline.services.ingest.url;
  const receivers: WebhookReceiver[] = [];

  async function receiver(...args: ConstructorParameters<typeof WebhookReceiver>) {
    const r = new WebhookReceiver(...args);
    receivers.push(r);
    return { receiver: r, url: await r.start() };
  }

  const register = (tenant: IssuedKey, url: string) =>
    request(`${ingest()}/v1/settings/webhook`, {
      method: 'PUT',
      apiKey: tenant.apiKey,
      body: { url, secret: SECRET },
    });

  /** The looping sample as a new session: it gets guidance, so a webhook delivery is queued. */
  async function misbehave(tenant: IssuedKey): Promise<void> {
    const events = loadSample('looping-session', randomUUID().slice(0, 8));
    assert.equal((await postEvents(ingest(), tenant.apiKey, events)).status, 202);
  }

  const deliveries = (tenantId: string) =>
    db.query(
      `SELECT status, attempts, last_error FROM deliveries WHERE tenant_id = $1 AND channel = 'webhook'`,
      [tenantId],
    ) as Promise<Array<{ status: string; attempts: number; last_error: string | null }>>;

  before(async () => {
    db = await prepareInfrastructure();
    admin = await connectAdmin();
    await pipeline.start();
    await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
  });

  after(async () => {
    await pipeline.stop();
    await Promise.all(receivers.map((r) => r.stop()));
    await admin?.disconnect();
    await db?.destroy();
  });

  it('refuses to register loopback, private, link-local, metadata, multicast and credentialed URLs', async () => {
    const tenant = await newTenant(db);
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5:5432/',
      'http://172.16.3.4/',
      'http://192.168.1.1/',
      'http://127.0.0.1:9092/',
      'http://[::1]:5432/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fe80::1]/',
      'http://224.0.0.1/',
      'http://localhost:3000/',
      'http://user:pass@hooks.example.com/',
    ]) {
      const res = await register(tenant, url);
      assert.equal(res.status, 400, url);
      assert.equal(res.body.field, 'url', url);
    }
    const [{ n }] = await db.query('SELECT count(*)::int AS n FROM webhooks WHERE tenant_id = $1', [
      tenant.tenantId,
    ]);
    assert.equal(n, 0);
  });

  it('keeps the secret encrypted at rest and still signs with it, to an admitted address', async () => {
    const tenant = await newTenant(db);
    const { receiver: r, url } = await receiver(() => 204, ADMITTED);
    assert.equal((await register(tenant, url)).status, 200);
    const [row] = await db.query('SELECT secret FROM webhooks WHERE tenant_id = $1', [
      tenant.tenantId,
    ]);
    assert.ok(!row.secret.includes(SECRET), 'not in clear');
    assert.match(row.secret, /^v1\./);
    await misbehave(tenant);
    await waitFor(async () => r.received.length > 0, 20_000, 'a delivery to the admitted receiver');
    const got = r.received[0];
    assert.ok(verifyWebhookSignature(SECRET, String(got.headers['wink-signature']), got.body));
  });

  it('never follows a redirect, even to an admitted address', async () => {
    const tenant = await newTenant(db);
    const { receiver: target, url: targetUrl } = await receiver(() => 204, ADMITTED);
    const { url } = await receiver(
      () => ({ status: 307, headers: { location: targetUrl } }),
      ADMITTED,
    );
    assert.equal((await register(tenant, url)).status, 200);
    await misbehave(tenant);
    await waitFor(
      async () => (await deliveries(tenant.tenantId)).some((d) => d.status === 'dead'),
      20_000,
      'the redirected delivery to fail for good',
    );
    const rows = await deliveries(tenant.tenantId);
    assert.ok(rows.every((d) => d.status !== 'delivered'));
    assert.match(rows.find((d) => d.status === 'dead')!.last_error!, /HTTP 307 \(redirects/);
    assert.equal(target.received.length, 0, 'the redirect target was never called');
  });

  it('resolves the host at delivery and refuses an internal address (a name, or a row from before the rules)', async () => {
    const tenant = await newTenant(db);
    const { receiver: inside, url } = await receiver(() => 204);
    const port = new URL(url).port;
    // The machine's own name is only a name at registration; resolved, it is loopback.
    const name = hostname();
    assert.equal((await lookup(name)).address, '127.0.0.1', `${name} resolves to loopback here`);
    assert.equal((await register(tenant, `http://${name}:${port}/wink`)).status, 200);
    await misbehave(tenant);
    await waitFor(
      async () => (await deliveries(tenant.tenantId)).some((d) => d.status === 'dead'),
      20_000,
      'the delivery to an internal address to be refused',
    );
    const other = await newTenant(db);
    await db.query(`INSERT INTO webhooks (tenant_id, url, secret) VALUES ($1, $2, $3)`, [
      other.tenantId,
      url,
      SECRET,
    ]);
    await misbehave(other);
    await waitFor(
      async () => (await deliveries(other.tenantId)).some((d) => d.status === 'dead'),
      20_000,
      'the delivery of the old row to be refused',
    );
    for (const id of [tenant.tenantId, other.tenantId]) {
      const dead = (await deliveries(id)).find((d) => d.status === 'dead')!;
      assert.match(dead.last_error!, /^refused: .*internal address/);
      assert.equal(dead.attempts, 1, 'a refused destination is not retried');
    }
    assert.equal(inside.received.length, 0, 'nothing reached the internal receiver');
  });

  it('lets a slow endpoint delay only its own tenant', async () => {
    let release!: () => void;
    const released = new Promise<number>((resolve) => (release = () => resolve(204)));
    const slowTenant = await newTenant(db);
    const { receiver: slow, url: slowUrl } = await receiver(() => released, ADMITTED);
    assert.equal((await register(slowTenant, slowUrl)).status, 200);
    await misbehave(slowTenant);
    await waitFor(async () => slow.received.length > 0, 20_000, 'the slow endpoint to be called');

    const fastTenant = await newTenant(db);
    const { receiver: fast, url: fastUrl } = await receiver(() => 204, ADMITTED);
    assert.equal((await register(fastTenant, fastUrl)).status, 200);
    await misbehave(fastTenant);
    await waitFor(
      async () => fast.received.length > 0,
      20_000,
      "the other tenant's delivery while the slow endpoint holds its request",
    );
    assert.equal(slow.received.length, 1, 'the slow tenant has one delivery in flight, no more');
    release();
    await waitFor(
      async () => (await deliveries(slowTenant.tenantId)).every((d) => d.status === 'delivered'),
      20_000,
      "the slow tenant's deliveries once its endpoint answers",
    );
  });
});
