import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { TooManyEvents } from './too-many-events.js';

@Catch(TooManyEvents)
export class TooManyEventsFilter implements ExceptionFilter {
  catch(exception: TooManyEvents, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(429)
      .set('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterMs / 1000))))
      .json(exception.getResponse());
  }
}
