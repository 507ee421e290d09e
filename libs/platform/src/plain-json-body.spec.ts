import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Request, Response } from 'express';
import bodyParser from 'body-parser';
import { plainJsonBody } from './plain-json-body.js';

const LIMIT = 1000;

type Middleware = (req: Request, res: Response, next: (error?: unknown) => void) => void;

/** A request stream with these headers, sent in `chunks`; resolves with what reached `next`. */
function read(
  headers: Record<string, string>,
  chunks: string[],
  middleware: Middleware = plainJsonBody(LIMIT),
) {
  const req = Object.assign(new PassThrough(), { headers }) as unknown as Request & PassThrough;
  const outcome = new Promise<{
    error?: { status: number; message: string; name: string };
    body: unknown;
  }>((resolve) =>
    middleware(req, {} as Response, (error?: unknown) =>
      resolve({ error: error as never, body: req.body }),
    ),
  );
  for (const chunk of chunks) req.write(chunk);
  req.end();
  return outcome;
}

const json = (body: string) => ({
  'content-type': 'application/json',
  'content-length': String(Buffer.byteLength(body)),
});

describe('plainJsonBody', () => {
  it('parses a plain JSON body arriving in several chunks, with or without charset=utf-8', async () => {
    const body = '{"events":[{"text":"héllo"}]}';
    const split = [body.slice(0, 7), body.slice(7)];
    assert.deepEqual((await read(json(body), split)).body, { events: [{ text: 'héllo' }] });
    const headers = { ...json(body), 'content-type': 'Application/JSON; charset=UTF-8' };
    assert.deepEqual((await read(headers, [body])).body, { events: [{ text: 'héllo' }] });
  });

  it('drops a byte-order mark, as body-parser does', async () => {
    const body = '\ufeff[1]';
    assert.deepEqual((await read(json(body), [body])).body, [1]);
  });

  it('answers 400 for a body that is not JSON, or not an object or array', async () => {
    for (const body of ['{"events": [', '"just a string"', '  42']) {
      const { error } = await read(json(body), [body]);
      assert.equal(error?.status, 400, body);
    }
  });

  it('refuses or reads what body-parser refuses or reads, with the same error', async () => {
    const parser = bodyParser.json({ limit: LIMIT }) as unknown as Middleware;
    for (const body of [
      '{"events": [',
      '"just a string"',
      '  42',
      '   ',
      '\ufeff',
      '\ufeff{"a":1}',
    ]) {
      const ours = await read(json(body), [body]);
      const theirs = await read(json(body), [body], parser);
      assert.equal(ours.error instanceof SyntaxError, theirs.error instanceof SyntaxError, body);
      assert.equal(ours.error?.status, theirs.error?.status, body);
      assert.equal(ours.error?.message, theirs.error?.message, body);
      assert.deepEqual(ours.body, theirs.body, body);
    }
  });

  it('leaves compressed, other-charset, other-type, empty and over-limit bodies to body-parser', async () => {
    const body = '{}';
    const cases: Record<string, string>[] = [
      { ...json(body), 'content-encoding': 'gzip' },
      { ...json(body), 'content-type': 'application/json; charset=latin1' },
      { ...json(body), 'content-type': 'text/plain' },
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      { 'content-type': 'application/json', 'content-length': '0' },
      { 'content-type': 'application/json', 'content-length': String(LIMIT + 1) },
    ];
    for (const headers of cases) {
      const outcome = await read(headers, [body]);
      assert.deepEqual(outcome, { error: undefined, body: undefined }, JSON.stringify(headers));
    }
  });
});
