import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom, throwError, type Observable } from 'rxjs';
import type { Kafka } from 'kafkajs';
import type { Topic } from '@wink/contracts';
import {
  BatchConsumer,
  type BatchConsumerOptions,
  type ConsumedMessage,
} from './batch-consumer.js';
import type { HandlerOutcome } from './poison-isolation.js';
import type { TypedProducer } from './typed-producer.js';

/** The consumer's options, but its topics: those come from the `@EventPattern` handlers. */
export interface KafkaBatchTransportOptions extends Omit<BatchConsumerOptions, 'topics'> {
  kafka: Kafka;
  producer: TypedProducer;
}

/**
 * A Nest microservice transport that hands each `@EventPattern(topic)` handler a whole batch of
 * validated messages from one partition, and commits the offsets only after the handler resolved.
 * Nest's built-in Kafka transport commits per message and has no batch hook, which the recorder
 * (batched inserts) and the commit-after-durable rule both need.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  private readonly log = new Logger(KafkaBatchTransport.name);
  private consumer: BatchConsumer | null = null;
  /**
   * Each topic's handler, looked up once: Nest's lookup by pattern tries `JSON.parse` on the
   * topic name first, and the exception it throws cost more than some handlers' whole batch.
   */
  private readonly handlers = new Map<string, MessageHandler | null>();

  constructor(private readonly options: KafkaBatchTransportOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const topics = [...this.messageHandlers.keys()] as Topic[];
      for (const topic of topics) this.handlers.set(topic, this.getHandlerByPattern(topic));
      const { kafka, producer, ...consumerOptions } = this.options;
      this.consumer = new BatchConsumer(kafka, producer, { ...consumerOptions, topics });
      await this.consumer.start((messages) => this.dispatch(messages));
      this.log.log(`consuming ${topics.join(', ')} as group ${this.options.groupId}`);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
  }

  on(): never {
    throw new Error('KafkaBatchTransport has no transport events to subscribe to');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('not listening');
    return this.consumer as T;
  }

  get deadLettered(): number {
    return this.consumer?.deadLettered ?? 0;
  }

  /** A handler may resolve with the messages it can never handle (see `HandlerOutcome`). */
  private async dispatch(messages: ConsumedMessage[]): Promise<HandlerOutcome<ConsumedMessage>> {
    const handler = this.handlers.get(messages[0].topic);
    if (!handler) throw new Error(`no handler for ${messages[0].topic}`);
    const result: unknown = await handler(messages);
    const outcome = isObservable(result)
      ? await lastValueFrom(result, { defaultValue: undefined })
      : result;
    return Array.isArray(outcome) ? (outcome as HandlerOutcome<ConsumedMessage>) : undefined;
  }
}

/**
 * Hands a handler's failure to the transport as it was thrown; every consumer controller uses it
 * (`@UseFilters(RethrowToTransport)`). Nest's default RPC filter
 * replaces it with `{ status: 'error', message: 'Internal server error' }`, which hides whether
 * the message or the world is at fault — exactly what the consumer needs to know.
 */
@Catch()
export class RethrowToTransport implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
