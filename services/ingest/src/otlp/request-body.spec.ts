import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { BodyError, payloadFormat, readRawBody } from './request-body.js';
import { RecentConversations } from './recent-conversations.js';

function request(body: Buffer, headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(Readable.from([body.subarray(0, 3), body.subarray(3)]), {
    headers,
  }) as never;
}

const rejection = (status: number, message: RegExp) => (error: unknown) =>
  error instanceof BodyError && error.status === status && message.test(error.message);

describe('OTLP request bodies', () => {
  it('knows the two OTLP/HTTP encodings by Content-Type, parameters and case aside', () => {
    assert.equal(payloadFormat('application/x-protobuf'), 'protobuf');
    assert.equal(payloadFormat('application/protobuf'), 'protobuf');
    assert.equal(payloadFormat('Application/JSON; charset=utf-8'), 'json');
    assert.equal(payloadFormat('text/plain'), null);
    assert.equal(payloadFormat(undefined), null);
  });

  it('reads a plain, gzipped or deflated body', async () => {
    const body = Buffer.from('0123456789'.repeat(50));
    assert.deepEqual(await readRawBody(request(body), 1000), body);
    assert.deepEqual(
      await readRawBody(request(gzipSync(body), { 'content-encoding': 'gzip' }), 1000),
      body,
    );
    assert.deepEqual(
      await readRawBody(request(deflateSync(body), { 'content-encoding': 'deflate' }), 1000),
      body,
    );
  });

  it('refuses bodies over the limit, before or after inflating, and encodings it cannot read', async () => {
    const body = Buffer.alloc(5000, 7);
    await assert.rejects(readRawBody(request(body), 1000), rejection(413, /over 1000 bytes/));
    await assert.rejects(
      readRawBody(request(gzipSync(body), { 'content-encoding': 'gzip' }), 1000),
      rejection(413, /inflates to over 1000 bytes/),
    );
    await assert.rejects(
      readRawBody(request(Buffer.from('not gzip'), { 'content-encoding': 'gzip' }), 1000),
      rejection(400, /not valid gzip/),
    );
    await assert.rejects(
      readRawBody(request(Buffer.from('x'), { 'content-encoding': 'br' }), 1000),
      rejection(415, /br is not supported/),
    );
  });
});

describe('RecentConversations', () => {
  it('remembers the latest traces up to its capacity, forgetting the least recently set', () => {
    const memory = new RecentConversations(2);
    const entry = (conversationId: string) => ({ conversationId, storedAt: 0 });
    memory.set('t1', entry('c1'));
    memory.set('t2', entry('c2'));
    memory.set('t1', entry('c1'));
    memory.set('t3', entry('c3'));
    assert.equal(memory.get('t1')?.conversationId, 'c1');
    assert.equal(memory.get('t2'), undefined);
    assert.equal(memory.get('t3')?.conversationId, 'c3');
  });
});
