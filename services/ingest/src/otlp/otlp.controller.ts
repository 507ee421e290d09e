import {
  Controller,
  HttpCode,
  HttpException,
  Inject,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  decodeRequest,
  encodeResponse,
  encodeStatus,
  type PartialSuccess,
  type Signal,
} from '@wink/otlp';
import { ApiKeyGuard, RequireScope, TenantId } from '@wink/platform';
import { TooManyEvents } from '../events/too-many-events.js';
import { OtlpReceiver, type Receipt } from './otlp-receiver.service.js';
import { BodyError, payloadFormat, readRawBody, type PayloadFormat } from './request-body.js';

export const OTLP_BODY_LIMIT = Symbol('OTLP_BODY_LIMIT');

/** google.rpc.Code for a Status answering with this HTTP status (a malformed export by default). */
const RPC_CODES: Record<number, number> = {
  429: 8 /* RESOURCE_EXHAUSTED */,
  503: 14 /* UNAVAILABLE */,
};
const INVALID_ARGUMENT = 3;

/**
 * OTLP/HTTP receiver (`POST /v1/traces`, `POST /v1/logs`): JSON or protobuf, gzip, the API key
 * as `Authorization: Bearer …`. Answers in the request's encoding: the export response (with a
 * partial success when something was rejected or ignored), or a Status with a 4xx.
 */
@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireScope('ingest')
export class OtlpController {
  constructor(
    @Inject(OtlpReceiver) private readonly receiver: OtlpReceiver,
    @Inject(OTLP_BODY_LIMIT) private readonly bodyLimit: number,
  ) {}

  @Post('traces')
  @HttpCode(200)
  traces(@TenantId() tenantId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.export('traces', tenantId, req, res);
  }

  @Post('logs')
  @HttpCode(200)
  logs(@TenantId() tenantId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.export('logs', tenantId, req, res);
  }

  private async export(
    signal: Signal,
    tenantId: string,
    req: Request,
    res: Response,
  ): Promise<void> {
    const format = payloadFormat(req.headers['content-type']);
    if (!format) {
      return fail(
        res,
        'json',
        415,
        'Content-Type must be application/x-protobuf or application/json',
      );
    }
    let body: unknown;
    try {
      body =
        format === 'json'
          ? req.body
          : decodeRequest(signal, await readRawBody(req, this.bodyLimit));
    } catch (error) {
      if (error instanceof BodyError) return fail(res, format, error.status, error.message);
      return fail(
        res,
        format,
        400,
        `body is not a protobuf Export${signal === 'traces' ? 'Trace' : 'Logs'}ServiceRequest: ${(error as Error).message}`,
      );
    }
    let receipt: Receipt;
    try {
      receipt = await this.receiver.receive(tenantId, signal, body);
    } catch (error) {
      // A protobuf client reads a Status in protobuf, also for "retry later" (429, 503).
      if (format !== 'protobuf' || !(error instanceof HttpException)) throw error;
      if (error instanceof TooManyEvents) {
        res.set('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
      }
      return fail(res, format, error.getStatus(), error.message);
    }
    if (!receipt.ok) {
      return fail(
        res,
        format,
        400,
        `${receipt.error.field}: ${receipt.error.message}`,
        receipt.error.field,
      );
    }
    succeed(res, format, signal, receipt.partial);
  }
}

function succeed(
  res: Response,
  format: PayloadFormat,
  signal: Signal,
  partial: PartialSuccess | null,
): void {
  res.status(200);
  if (format === 'protobuf') {
    res.type('application/x-protobuf').send(Buffer.from(encodeResponse(signal, partial)));
    return;
  }
  const count = signal === 'traces' ? 'rejectedSpans' : 'rejectedLogRecords';
  res.json(
    partial
      ? {
          partialSuccess: { [count]: String(partial.rejected), errorMessage: partial.errorMessage },
        }
      : {},
  );
}

function fail(
  res: Response,
  format: PayloadFormat,
  status: number,
  message: string,
  field?: string,
): void {
  res.status(status);
  if (format === 'protobuf') {
    const code = RPC_CODES[status] ?? INVALID_ARGUMENT;
    res.type('application/x-protobuf').send(Buffer.from(encodeStatus(code, message)));
    return;
  }
  res.json({ code: INVALID_ARGUMENT, message, ...(field ? { field } : {}) });
}
