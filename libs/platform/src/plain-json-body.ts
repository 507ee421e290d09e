import type { NextFunction, Request, Response } from 'express';

/** Media type `application/json`, with no parameter but an optional `charset=utf-8`. */
const PLAIN_JSON = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** An error shaped as body-parser's (http-errors), which Nest answers with its status and message. */
function bodyError(status: number, message: string, type: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}

/** A parse failure as body-parser raises it: a 400 SyntaxError, which Nest maps to its 400. */
function parseError(message: string): Error {
  return Object.assign(new SyntaxError(message), {
    status: 400,
    statusCode: 400,
    expose: true,
    type: 'entity.parse.failed',
  });
}

/** body-parser's strict-mode refusal of a body that is not an object or array, with its message. */
function notObjectOrArray(text: string, first: string | undefined): Error {
  const at = first === undefined ? -1 : text.indexOf(first);
  const partial = at === -1 ? '' : text.slice(0, at) + '#'.repeat(text.length - at);
  try {
    JSON.parse(partial);
    return parseError('strict violation');
  } catch (error) {
    return parseError(
      (error as Error).message.replace(/#+/g, (run) => text.substring(at, at + run.length)),
    );
  }
}

/**
 * Reads and parses the plain JSON bodies nearly every API request carries (application/json in
 * UTF-8, uncompressed, a Content-Length of 1 to `limit` bytes) straight from the request's chunks,
 * without body-parser's general machinery (type-is, raw-body's stream reader, iconv decoding): a
 * measurable share of a one-event request. Everything else (compressed, another charset, chunked,
 * empty, too large) is left untouched for body-parser, registered after it, to read or refuse.
 * As body-parser's: the body must be an object or array (a byte-order mark alone reads as `{}`),
 * and a body that does not parse is refused with the same 400 SyntaxError.
 */
export function plainJsonBody(limit: number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const length = Number(req.headers['content-length']);
    const encoding = req.headers['content-encoding'];
    if (
      !(length > 0 && length <= limit) ||
      (encoding !== undefined && encoding.toLowerCase() !== 'identity') ||
      !PLAIN_JSON.test(req.headers['content-type'] ?? '')
    )
      return next();
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error?: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onError);
      next(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    };
    const onAborted = () => finish(bodyError(400, 'request aborted', 'request.aborted'));
    const onError = (error: Error) => finish(error);
    const onEnd = () => {
      if (received !== length)
        return finish(
          bodyError(400, 'request size did not match content length', 'request.size.invalid'),
        );
      const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
      let text = bytes.toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length === 0) {
        req.body = {};
        return finish();
      }
      const first = text[0] === '{' || text[0] === '[' ? text[0] : /\S/.exec(text)?.[0];
      if (first !== '{' && first !== '[') return finish(notObjectOrArray(text, first));
      try {
        req.body = JSON.parse(text);
      } catch (error) {
        return finish(parseError((error as Error).message));
      }
      finish();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onError);
  };
}
