import { timingSafeEqual, createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';

/** What every HTTP service reads about who may see its internals. */
export const HttpSecurityEnv = z.object({
  /**
   * When set, GET /metrics answers only `Authorization: Bearer <token>`; when not, it answers
   * only connections from loopback (a scraper on the same host or in the same pod).
   */
  METRICS_TOKEN: z.string().min(16).optional(),
});
export type HttpSecurityConfig = z.infer<typeof HttpSecurityEnv>;

/** The dashboard's policy: its own scripts, styles and API only, never framed. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// Swagger UI inlines its styles; the rest of its policy is the same.
const DOCS_POLICY = CONTENT_SECURITY_POLICY.replace(
  "style-src 'self'",
  "style-src 'self' 'unsafe-inline'",
);

/** Headers on every response of every service, errors and 404s included. */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader(
    'Content-Security-Policy',
    req.path === '/docs' || req.path.startsWith('/docs/') ? DOCS_POLICY : CONTENT_SECURITY_POLICY,
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  next();
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** Guards GET /metrics: the configured bearer token, or a loopback peer when none is set. */
export function metricsAccess(config: HttpSecurityConfig) {
  const expected = config.METRICS_TOKEN ? digest(config.METRICS_TOKEN) : null;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path !== '/metrics') return next();
    if (expected) {
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (match && timingSafeEqual(digest(match[1]), expected)) return next();
      res.status(401).json({ statusCode: 401, message: 'metrics need the metrics token' });
      return;
    }
    if (isLoopback(req.socket.remoteAddress)) return next();
    res.status(403).json({ statusCode: 403, message: 'metrics are served to loopback only' });
  };
}
