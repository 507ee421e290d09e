import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Middlewares run one after another as one Express layer: the router's dispatch of each layer
 * (path match, prefix trimming, a promise check) was a measurable share of a one-event request.
 * As in Express 5, an error (passed, thrown or rejected) goes to `next`, and a middleware that answers
 * without calling its `next` ends the sequence.
 */
export function inSequence(...handlers: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    let i = 0;
    const step = (error?: unknown): void => {
      if (error) return next(error);
      if (i === handlers.length) return next();
      try {
        const result: unknown = handlers[i++](req, res, step);
        if (result instanceof Promise) result.catch(next);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}
