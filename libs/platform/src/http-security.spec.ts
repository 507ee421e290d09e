import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NextFunction, Request, Response } from 'express';
import { isLoopback, metricsAccess } from './http-security.js';

function scrape(guard: ReturnType<typeof metricsAccess>, remoteAddress: string, auth?: string) {
  let status = 0;
  let passed = false;
  const req = {
    path: '/metrics',
    headers: auth ? { authorization: auth } : {},
    socket: { remoteAddress },
  } as unknown as Request;
  const res = {
    status(code: number) {
      status = code;
      return this;
    },
    json() {
      return this;
    },
  } as unknown as Response;
  guard(req, res, (() => (passed = true)) as NextFunction);
  return passed ? 200 : status;
}

describe('metricsAccess', () => {
  it('without a token: loopback peers only', () => {
    const guard = metricsAccess({});
    assert.equal(scrape(guard, '127.0.0.1'), 200);
    assert.equal(scrape(guard, '::ffff:127.0.0.1'), 200);
    assert.equal(scrape(guard, '::1'), 200);
    assert.equal(scrape(guard, '192.0.2.7'), 403);
    assert.equal(scrape(guard, '::ffff:10.0.0.5'), 403);
  });

  it('with a token: the token from anywhere, nothing without it, loopback included', () => {
    const guard = metricsAccess({ METRICS_TOKEN: 'a-long-enough-metrics-token' });
    assert.equal(scrape(guard, '192.0.2.7', 'Bearer a-long-enough-metrics-token'), 200);
    assert.equal(scrape(guard, '127.0.0.1'), 401);
    assert.equal(scrape(guard, '127.0.0.1', 'Bearer a-long-enough-metrics-tokeN'), 401);
  });

  it('knows loopback addresses', () => {
    assert.ok(isLoopback('127.8.9.1'));
    assert.ok(!isLoopback('128.0.0.1'));
    assert.ok(!isLoopback(undefined));
  });
});
