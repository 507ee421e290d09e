import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
    services: Record<
      string,
      { build?: { dockerfile?: string; args?: { SERVICE?: string } }; image?: string }
    >;
  };

  it('runs every service in services/, each built from the repository Dockerfile', () => {
    for (const name of readdirSync(`${ROOT}services`)) {
      const service = compose.services[name];
      assert.ok(service, `${name} is missing from docker-compose.yml`);
      assert.equal(service.build?.args?.SERVICE, name);
      assert.ok(existsSync(`${ROOT}${service.build?.dockerfile}`), `${name}'s Dockerfile exists`);
    }
  });

  it('runs Kafka in KRaft mode and Postgres beside them', () => {
    assert.match(compose.services.kafka.image ?? '', /^apache\/kafka:3\.9/);
    assert.match(compose.services.postgres.image ?? '', /^postgres:/);
  });
});
