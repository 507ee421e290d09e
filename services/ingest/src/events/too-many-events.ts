import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 with `Retry-After` (seconds), set by the filter below from `retryAfterMs`. */
export class TooManyEvents extends HttpException {
  constructor(readonly retryAfterMs: number) {
    super(
      {
        statusCode: 429,
        error: 'rate_limited',
        message: `tenant over its event rate; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
