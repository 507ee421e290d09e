import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prepareInfrastructure } from './harness/infrastructure.js';
import { Pipeline } from './harness/pipeline.js';
import type { DataSource } from 'typeorm';

const METRICS_TOKEN = 'metrics-token-for-the-security-suite';

describe('security headers and internals on every HTTP service (real Kafka, real Postgres)', () => {
  let db: DataSource;
  const pipeline = new Pipeline({ METRICS_TOKEN });
  const services = () => Object.values(pipeline.services);

  before(async () => {
    db = await prepareInfrastructure();
    await pipeline.start();
  });

  after(async () => {
    await pipeline.stop();
    await db?.destroy();
  });

  it('sends a strict CSP, frame-ancestors none and nosniff on answers, errors and 404s alike', async () => {
    for (const s of services()) {
      for (const path of ['/health', '/v1/no-such-route', '/v1/sessions/x/guidance']) {
        const res = await fetch(`${s.url}${path}`);
        const csp = res.headers.get('content-security-policy') ?? '';
        assert.match(csp, /default-src 'none'/, `${s.name} ${path} ${res.status}`);
        assert.match(csp, /frame-ancestors 'none'/, `${s.name} ${path}`);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${s.name} ${path}`);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${s.name} ${path}`);
        assert.equal(res.headers.get('x-frame-options'), 'DENY');
        assert.equal(
          res.headers.get('x-powered-by'),
          null,
          `${s.name} does not name its framework`,
        );
      }
    }
  });

  it('serves /metrics only with the metrics token', async () => {
    for (const s of services()) {
      const anonymous = await fetch(`${s.url}/metrics`);
      assert.equal(anonymous.status, 401, `${s.name} without the token`);
      assert.doesNotMatch(await anonymous.text(), /process_cpu/);
      const wrong = await fetch(`${s.url}/metrics`, {
        headers: { authorization: 'Bearer not-the-metrics-token-at-all' },
      });
      assert.equal(wrong.status, 401, `${s.name} with a wrong token`);
      const scraped = await fetch(`${s.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      assert.equal(scraped.status, 200, s.name);
      assert.match(await scraped.text(), /^process_cpu_user_seconds_total /m);
    }
  });

  it('looks dashboard assets up as its own names only, never inherited properties', async () => {
    const api = pipeline.services.api.url;
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const res = await fetch(`${api}/dashboard/${name}`);
      assert.equal(res.status, 404, name);
      assert.deepEqual(await res.json(), { statusCode: 404, message: `no asset ${name}` });
    }
    const script = await fetch(`${api}/dashboard/app.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
  });
});
