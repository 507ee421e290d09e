import {
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  DEAD_LETTER_TOPICS,
  DeadLetterIdParam,
  DeadLetterListQuery,
  type Topic,
} from '@wink/contracts';
import { TypedProducer } from '@wink/kafka';
import { ApiKeyGuard, parseOr400, RequireScope, TenantId } from '@wink/platform';
import { DeadLetterStore } from './dead-letter-store.js';

const REPLAYABLE = new Set<string>(Object.keys(DEAD_LETTER_TOPICS));

/**
 * The tenant's dead letters: listed newest first, shown with the original message, and replayed
 * (the original key and bytes published again on the source topic) once whatever rejected them is
 * fixed. Every consumer group reads a replayed message again; their effects are idempotent.
 */
@Controller('v1/dead-letters')
@UseGuards(ApiKeyGuard)
@RequireScope('admin')
export class DeadLettersController {
  constructor(
    @Inject(DeadLetterStore) private readonly store: DeadLetterStore,
    @Inject(TypedProducer) private readonly producer: TypedProducer,
  ) {}

  @Get()
  list(@TenantId() tenantId: string, @Query() query: unknown) {
    return this.store.list(tenantId, parseOr400(DeadLetterListQuery, query));
  }

  @Get(':id')
  async show(@TenantId() tenantId: string, @Param() params: unknown) {
    const { id } = parseOr400(DeadLetterIdParam, params);
    const letter = await this.store.get(tenantId, id);
    if (!letter) throw new NotFoundException(`no dead letter ${id}`);
    return letter;
  }

  @Post(':id/replay')
  @HttpCode(202)
  async replay(@TenantId() tenantId: string, @Param() params: unknown) {
    const { id } = parseOr400(DeadLetterIdParam, params);
    const letter = await this.store.get(tenantId, id);
    if (!letter || !REPLAYABLE.has(letter.sourceTopic))
      throw new NotFoundException(`no replayable dead letter ${id}`);
    await this.producer.sendRaw(letter.sourceTopic as Topic, [
      { key: letter.key, value: Buffer.from(letter.valueBase64, 'base64') },
    ]);
    await this.store.markReplayed(id);
    return { id, replayedTo: letter.sourceTopic };
  }
}
