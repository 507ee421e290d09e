import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { issueApiKey, type Scope } from '@wink/persistence';
import { newTenant, waitFor } from './harness/infrastructure.js';
import { loadSample, request } from './harness/http.js';
import { Pipeline, startedForSuite } from './harness/pipeline.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The `wink` CLI, run as a user would; resolves with its exit code and output. */
function wink(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${ROOT}tools/cli/bin/wink.js`, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('scoped API keys and fast revocation (real Kafka, real Postgres)', () => {
  const pipeline = new Pipeline();
  const ingest = () => pipeline.services.ingest.url;
  const intervention = () => pipeline.services.intervention.url;
  const api = () => pipeline.services.api.url;

  const infra = startedForSuite(pipeline);

  /** One call per scope-guarded area, with the status it answers for `apiKey`. */
  async function reach(apiKey: string, sessionId: string) {
    const events = loadSample('clean-session', randomUUID().slice(0, 8)).slice(0, 2);
    const calls = {
      events: () => request(`${ingest()}/v1/events`, { apiKey, body: { events } }),
      otlp: () => request(`${ingest()}/v1/traces`, { apiKey, body: { resourceSpans: [] } }),
      guidance: () => request(`${intervention()}/v1/sessions/${sessionId}/guidance`, { apiKey }),
      analytics: () => request(`${api()}/v1/analytics/counts`, { apiKey }),
      timeline: () => request(`${api()}/v1/sessions?limit=5`, { apiKey }),
      outcomes: () => request(`${intervention()}/v1/outcomes`, { apiKey }),
      webhook: () =>
        request(`${ingest()}/v1/settings/webhook`, {
          method: 'PUT',
          apiKey,
          body: { url: 'https://hooks.example.com/wink', secret: 'whsec_0123456789abcdef' },
        }),
      thresholds: () =>
        request(`${ingest()}/v1/settings/detector-thresholds`, {
          method: 'PUT',
          apiKey,
          body: {},
        }),
      export: () => request(`${api()}/v1/labels/export`, { apiKey }),
      keys: () => request(`${api()}/v1/keys`, { apiKey }),
      deadLetters: () => request(`${pipeline.services.recorder.url}/v1/dead-letters`, { apiKey }),
    };
    const statuses: Record<string, number> = {};
    for (const [name, call] of Object.entries(calls)) statuses[name] = (await call()).status;
    return statuses;
  }

  const allowed = (statuses: Record<string, number>) =>
    Object.entries(statuses)
      .filter(([, s]) => s !== 403)
      .map(([name, s]) => {
        assert.ok(s < 300, `${name} answered ${s}`);
        return name;
      });

  it('lets each scope do its own work only; the default key does everything', async () => {
    const tenant = `scopes-${randomUUID()}`;
    const keyWith = async (scopes: Scope[]) => (await issueApiKey(infra.db, tenant, scopes)).apiKey;
    const sessionId = `scoped-${randomUUID()}`;
    assert.deepEqual(allowed(await reach(await keyWith(['ingest']), sessionId)), [
      'events',
      'otlp',
      'guidance',
    ]);
    assert.deepEqual(allowed(await reach(await keyWith(['read']), sessionId)), [
      'analytics',
      'timeline',
      'outcomes',
    ]);
    assert.deepEqual(allowed(await reach(await keyWith(['admin']), sessionId)), [
      'webhook',
      'thresholds',
      'export',
      'keys',
      'deadLetters',
    ]);
    const everything = allowed(await reach((await newTenant(infra.db)).apiKey, sessionId));
    assert.equal(everything.length, 11, `the default key reaches all: ${everything}`);
    const denied = await request(`${ingest()}/v1/settings/webhook`, {
      method: 'PUT',
      apiKey: await keyWith(['ingest']),
      body: {},
    });
    assert.match(String(denied.body.message), /lacks the `admin` scope/);
  });

  it('issues and revokes scoped keys with `wink keys`; a revoked key stops everywhere and its stream ends', async () => {
    const owner = await newTenant(infra.db);
    const base = ['--api-url', api(), '--key', owner.apiKey];
    const issued = await wink(['keys', 'issue', '--scopes', 'ingest', '--json', ...base]);
    assert.equal(issued.code, 0, issued.stderr);
    const key = JSON.parse(issued.stdout) as { apiKey: string; prefix: string; scopes: string[] };
    assert.deepEqual(key.scopes, ['ingest']);
    assert.equal((await reach(key.apiKey, 'cli-session')).events, 202);
    assert.equal((await reach(key.apiKey, 'cli-session')).analytics, 403);
    const bad = await wink(['keys', 'issue', '--scopes', 'root', ...base]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--scopes takes/);

    const listed = await wink(['keys', 'list', '--json', ...base]);
    const rows = JSON.parse(listed.stdout) as Array<{ prefix: string; revokedAt: string | null }>;
    assert.ok(rows.some((r) => r.prefix === key.prefix && r.revokedAt === null));

    // Every service has the key cached as valid, and a stream is open on it.
    const sessionId = `revoked-${randomUUID()}`;
    const poll = `${intervention()}/v1/sessions/${sessionId}/guidance`;
    for (const url of [`${ingest()}/v1/events`, poll]) {
      const res = await fetch(url, {
        method: url === poll ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${key.apiKey}`, 'content-type': 'application/json' },
        body: url === poll ? undefined : '{}',
      });
      assert.notEqual(res.status, 401, url);
      assert.notEqual(res.status, 403, url);
    }
    const stream = await fetch(`${poll}/stream`, {
      headers: { authorization: `Bearer ${key.apiKey}` },
    });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    const ended = (async () => {
      while (!(await reader.read()).done);
      return true;
    })();

    const revoked = await wink(['keys', 'revoke', key.prefix, ...base]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /revoked 1 key/);
    assert.equal(await ended, true, 'the open stream ended');
    // Well inside the cache's lifetime: only the notification can have dropped it.
    await waitFor(
      async () => {
        const statuses = await Promise.all([
          request(`${ingest()}/v1/events`, { apiKey: key.apiKey, body: {} }),
          request(poll, { apiKey: key.apiKey }),
        ]);
        return statuses.every((r) => r.status === 401);
      },
      3000,
      'the revoked key to be refused by ingest and intervention',
    );
    const after = JSON.parse(
      (await wink(['keys', 'list', '--json', ...base])).stdout,
    ) as typeof rows;
    assert.ok(after.find((r) => r.prefix === key.prefix)?.revokedAt);
  });
});
