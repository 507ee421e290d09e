import { HttpException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiKeyGuard, retryAfterHeader, TooManyRequests } from './api-key.guard.js';

/**
 * Checks the API key of an API request that carries a body before the body is read or parsed,
 * so an unknown key costs Wink a hash and a cache lookup, never a JSON parse of a large body.
 * The route's guard still checks the scope. A service without authenticated routes has no guard.
 */
export function authenticateBeforeBody() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const guard = ApiKeyGuard.current;
    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] != null;
    if (!guard || !hasBody || !req.path.startsWith('/v1/')) return next();
    guard.authenticate(req).then(
      () => next(),
      (error: unknown) => {
        if (!(error instanceof HttpException)) return next(error);
        if (error instanceof TooManyRequests) res.setHeader('Retry-After', retryAfterHeader(error));
        // The body is not wanted: do not keep the connection for the rest of it.
        res.setHeader('Connection', 'close');
        res.status(error.getStatus()).json(error.getResponse());
      },
    );
  };
}
