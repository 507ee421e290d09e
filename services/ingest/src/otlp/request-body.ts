import type { IncomingMessage } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';

export type PayloadFormat = 'json' | 'protobuf';

/** The OTLP/HTTP encoding a Content-Type names, or null for one OTLP does not define. */
export function payloadFormat(contentType: string | undefined): PayloadFormat | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return null;
}

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a raw request body of at most `limit` bytes, inflating gzip or deflate (also to `limit`). */
export async function readRawBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyError(413, `body is over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  try {
    if (encoding === 'gzip') return gunzipSync(raw, { maxOutputLength: limit });
    if (encoding === 'deflate') return inflateSync(raw, { maxOutputLength: limit });
  } catch (error) {
    if (error instanceof RangeError)
      throw new BodyError(413, `body inflates to over ${limit} bytes`);
    throw new BodyError(400, `body is not valid ${encoding}: ${(error as Error).message}`);
  }
  if (encoding !== 'identity')
    throw new BodyError(415, `Content-Encoding ${encoding} is not supported (use gzip)`);
  return raw;
}
