import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { decodeMessage, encodeMessage, TOPICS, type PayloadOf, type Topic } from '@wink/contracts';
import type { TypedProducer } from './typed-producer.js';
import { logicalTopic, physicalGroup, physicalTopic } from './naming.js';

export interface ConsumedMessage<T extends Topic = Topic> {
  topic: T;
  partition: number;
  offset: string;
  key: string | null;
  value: PayloadOf<T>;
}

/** Handles one partition's batch of valid messages; resolves once their effects are durable. */
export type BatchHandler = (messages: ConsumedMessage[]) => Promise<void>;

/** Called after each batch: its size, how long the handler took, and the partition's lag after it. */
export type BatchObserver = (
  topic: string,
  partition: number,
  size: number,
  handlerMs: number,
  lag: number,
) => void;

export interface BatchConsumerOptions {
  groupId: string;
  topics: Topic[];
  sessionTimeoutMs?: number;
  partitionsConsumedConcurrently?: number;
  observe?: BatchObserver;
  /** Called when the consumer is started again after a crash. */
  onRestart?: () => void;
}

/**
 * Consumes batches with manual commits: a batch's offsets are committed only after the handler
 * resolved. Messages that fail their topic's contract go to the dead-letter topic with the
 * reason, and never stop the partition.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private handler: BatchHandler | null = null;
  private readonly observe: BatchObserver | undefined;
  private stopping = false;
  deadLettered = 0;

  constructor(
    kafka: Kafka,
    private readonly deadLetters: TypedProducer,
    private readonly options: BatchConsumerOptions,
  ) {
    this.observe = options.observe;
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
    this.consumer = kafka.consumer({
      groupId: physicalGroup(options.groupId),
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
      rebalanceTimeout: sessionTimeout,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
    });
    // KafkaJS restarts a consumer only after retriable errors. A member evicted while a batch
    // waited on Postgres crashes with a non-retriable one and would stay stopped, leaving the
    // service up but consuming nothing; joining again is safe because every effect is idempotent.
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.stopping) void this.restartAfterCrash();
    });
  }

  private async restartAfterCrash(): Promise<void> {
    await new Promise((r) => setTimeout(r, 1000));
    if (this.stopping || !this.handler) return;
    this.options.onRestart?.();
    try {
      await this.consumer.disconnect();
      await this.start(this.handler);
    } catch {
      if (!this.stopping) void this.restartAfterCrash();
    }
  }

  get raw(): Consumer {
    return this.consumer;
  }

  async start(handler: BatchHandler): Promise<void> {
    this.handler = handler;
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics.map((t) => physicalTopic(t)),
      fromBeginning: true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 6,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.consumer.disconnect();
  }

  private async processBatch({
    batch,
    isStale,
    heartbeat,
    resolveOffset,
  }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || isStale()) return;
    const topic = logicalTopic(batch.topic);
    const valid: ConsumedMessage[] = [];
    const invalid: { key: string | null; value: Buffer }[] = [];
    for (const message of batch.messages) {
      const key = message.key?.toString('utf8') ?? null;
      const decoded = decodeMessage(topic, message.value);
      if (decoded.ok) {
        valid.push({
          topic,
          partition: batch.partition,
          offset: message.offset,
          key,
          value: decoded.value,
        });
      } else {
        invalid.push({
          key,
          value: encodeMessage(TOPICS.deadLetter, {
            v: 1,
            sourceTopic: topic,
            partition: batch.partition,
            offset: message.offset,
            key,
            valueBase64: (message.value ?? Buffer.alloc(0)).toString('base64'),
            reason: `${decoded.error.field}: ${decoded.error.message}`,
            consumerGroup: this.options.groupId,
            at: Date.now(),
          }),
        });
      }
    }
    if (invalid.length > 0) {
      await this.deadLetters.sendRaw(TOPICS.deadLetter, invalid);
      this.deadLettered += invalid.length;
    }
    const started = performance.now();
    if (valid.length > 0 && this.handler) await this.handler(valid);
    this.observe?.(
      topic,
      batch.partition,
      batch.messages.length,
      performance.now() - started,
      Number(batch.offsetLag()),
    );
    resolveOffset(batch.lastOffset());
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    await this.consumer.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: next },
    ]);
    await heartbeat();
  }
}
