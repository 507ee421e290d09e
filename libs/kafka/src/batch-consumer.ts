import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import {
  deadLetterTopicOf,
  encodeMessage,
  type PayloadOf,
  type PoisonMessageV1,
  type Topic,
} from '@wink/contracts';
import { decodeEnvelope } from '@wink/contracts';
import { describeFailure } from './failure-kind.js';
import { handleIsolatingPoison, type HandlerOutcome, type Poisoned } from './poison-isolation.js';
import type { TypedProducer } from './typed-producer.js';
import { kafkaNaming, logicalTopic, physicalGroup, physicalTopic } from './naming.js';
import { OffsetCommitter } from './offset-committer.js';

const STOP_FLUSH_MS = 5_000;
/** Partition batches a consumer handles at once, unless its options say otherwise. */
export const PARTITIONS_CONSUMED_CONCURRENTLY = 6;
const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export interface ConsumedMessage<T extends Topic = Topic> {
  topic: T;
  partition: number;
  offset: string;
  key: string | null;
  value: PayloadOf<T>;
  /** The message as read (its JSON), for handlers that pass it on without serialising again. */
  bytes: Buffer;
  /**
   * The offsets of the first and last messages the consumer read in this message's batch, those
   * set aside before the handler (a broken envelope) and those of a bisected batch's other half
   * included: a stateful handler can tell a batch following on from its last from a takeover.
   */
  read: { first: string; last: string };
}

/**
 * Handles one partition's batch of messages whose envelope is valid; resolves once their effects
 * are durable, optionally with the messages it can never handle. Throwing a data failure makes
 * the consumer bisect the batch; throwing anything else makes it retry the batch later.
 */
export type BatchHandler = (
  messages: ConsumedMessage[],
) => Promise<HandlerOutcome<ConsumedMessage>>;

/** Called after each batch: its size, how long the handler took, and the partition's lag after it. */
export type BatchObserver = (
  topic: string,
  partition: number,
  size: number,
  handlerMs: number,
  lag: number,
) => void;

/** Called for each message set aside: its source topic and why (`envelope` or `handler`). */
export type DeadLetterObserver = (topic: string, failure: PoisonMessageV1['failure']) => void;

export interface BatchConsumerOptions {
  groupId: string;
  topics: Topic[];
  /** The consuming service, recorded on its dead letters. */
  service?: string;
  sessionTimeoutMs?: number;
  /** Least time between two offset commits (default 0: each as soon as the last is done). */
  commitIntervalMs?: number;
  /**
   * How long the broker may hold a fetch (default 100 ms) until it has `fetchMinBytes` (default
   * 1: any message). With more bytes, a consumer that is not latency-critical gets fewer, larger
   * batches; with one byte, a longer wait only spaces the empty fetches of a quiet consumer.
   */
  fetchMaxWaitMs?: number;
  fetchMinBytes?: number;
  partitionsConsumedConcurrently?: number;
  /** Tries of a failing message on its own before it is dead-lettered (default 3). */
  poisonAttempts?: number;
  observe?: BatchObserver;
  onDeadLetter?: DeadLetterObserver;
  /** Called when the consumer is started again after a crash. */
  onRestart?: () => void;
}

class StaleBatch extends Error {}

/**
 * Consumes batches with manual commits: a batch's offsets are committed only after the handler's
 * effects are durable. A message with a broken envelope, or whose handling fails the same data
 * way after bounded retries (the batch is bisected to find it), goes to its topic's dead-letter
 * topic with the error, offset and service, and the partition moves on. Any other failure
 * (Postgres or the broker down) is retried, batch and all, until it passes: nothing is lost.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly committer: OffsetCommitter;
  private handler: BatchHandler | null = null;
  private stopping = false;
  /**
   * Per partition this member holds, the offset after its last batch whose effects are durable.
   * Commits trail the batches, so a rebalance can hand a partition back from an older committed
   * offset: those messages were handled here already, and a stateful handler (the classifier's
   * windows) must not see them twice. Forgotten for partitions the member no longer holds.
   */
  private readonly handledUpTo = new Map<string, bigint>();
  /** Read once: reading it from the environment for every batch was a measurable share of one. */
  private readonly naming = kafkaNaming();
  deadLettered = 0;

  constructor(
    kafka: Kafka,
    private readonly deadLetters: TypedProducer,
    private readonly options: BatchConsumerOptions,
  ) {
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
    this.consumer = kafka.consumer({
      groupId: physicalGroup(options.groupId),
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
      rebalanceTimeout: sessionTimeout,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: options.fetchMaxWaitMs ?? 100,
      minBytes: options.fetchMinBytes ?? 1,
      // Larger fetches mean larger batches when behind: one write and one commit for more rows.
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxBytes: 32 * 1024 * 1024,
    });
    this.committer = new OffsetCommitter((offsets) => this.consumer.commitOffsets(offsets), {
      minIntervalMs: options.commitIntervalMs,
      onError: (error) =>
        process.stderr.write(
          JSON.stringify({
            time: new Date().toISOString(),
            level: 'warn',
            context: 'BatchConsumer',
            msg: 'offset commit failed',
            groupId: options.groupId,
            error: describeFailure(error),
          }) + '\n',
        ),
    });
    // KafkaJS restarts a consumer only after retriable errors. A member evicted while a batch
    // waited on Postgres crashes with a non-retriable one and would stay stopped, leaving the
    // service up but consuming nothing; joining again is safe because every effect is idempotent.
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const held = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((p) => partitionKey(topic, p)),
        ),
      );
      for (const key of this.handledUpTo.keys()) if (!held.has(key)) this.handledUpTo.delete(key);
      this.committer.forget((topic, partition) => held.has(partitionKey(topic, partition)));
    });
    // Commits trail the batches (spaced, for some consumers): what is queued goes out before the
    // group reassigns, or the partitions' next owners read it again.
    this.consumer.on(this.consumer.events.REBALANCING, () => void this.committer.flush());
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
      partitionsConsumedConcurrently:
        this.options.partitionsConsumedConcurrently ?? PARTITIONS_CONSUMED_CONCURRENTLY,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Bounded: with the broker gone, its retries must not outlast a pod's grace period; an offset
    // not committed is only read again.
    await Promise.race([
      this.committer.flush(),
      new Promise((resolve) => setTimeout(resolve, STOP_FLUSH_MS).unref()),
    ]);
    await this.consumer.disconnect();
  }

  private async processBatch({
    batch,
    isStale,
    heartbeat,
    resolveOffset,
  }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || isStale()) return;
    const topic = logicalTopic(batch.topic, this.naming);
    const held = partitionKey(batch.topic, batch.partition);
    const handledUpTo = this.handledUpTo.get(held);
    // Offsets ascend within a batch: only a batch handed back starts below the mark.
    const fresh =
      handledUpTo === undefined || BigInt(batch.messages[0].offset) >= handledUpTo
        ? batch.messages
        : batch.messages.filter((m) => BigInt(m.offset) >= handledUpTo);
    const valid: ConsumedMessage[] = [];
    const poisoned: Array<Poisoned<KafkaMessage> & { failure: PoisonMessageV1['failure'] }> = [];
    const raw = new Map<string, KafkaMessage>();
    const read = { first: fresh[0]?.offset ?? batch.lastOffset(), last: batch.lastOffset() };
    for (const message of fresh) {
      const decoded = decodeEnvelope(topic, message.value);
      if (!decoded.ok) {
        const { field, message: why } = decoded.error;
        poisoned.push({ message, error: `${field}: ${why}`, attempts: 1, failure: 'envelope' });
        continue;
      }
      raw.set(message.offset, message);
      valid.push({
        topic,
        partition: batch.partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        value: decoded.value,
        bytes: message.value!,
        read,
      });
    }
    const started = performance.now();
    if (valid.length > 0 && this.handler) {
      let failing: Poisoned<ConsumedMessage>[];
      try {
        failing = await handleIsolatingPoison(valid, this.handler, {
          attempts: this.options.poisonAttempts ?? 3,
          backoffMs: (attempt) => 100 * 2 ** (attempt - 2),
          between: async () => {
            if (this.stopping || isStale()) throw new StaleBatch();
            await heartbeat();
          },
        });
      } catch (error) {
        // Another member owns the partition now, or the service is stopping: nothing committed.
        if (error instanceof StaleBatch) return;
        throw error;
      }
      for (const { message, error, attempts } of failing)
        poisoned.push({ message: raw.get(message.offset)!, error, attempts, failure: 'handler' });
    }
    if (poisoned.length > 0) await this.setAside(topic, batch.partition, poisoned);
    this.options.observe?.(
      topic,
      batch.partition,
      batch.messages.length,
      performance.now() - started,
      Number(batch.offsetLag()),
    );
    resolveOffset(batch.lastOffset());
    // Every effect of the batch is durable: its offsets go in the next commit, which the next
    // fetch need not wait for.
    const next = BigInt(batch.lastOffset()) + 1n;
    this.handledUpTo.set(held, next);
    this.committer.add({ topic: batch.topic, partition: batch.partition, offset: String(next) });
    try {
      await heartbeat();
    } catch (error) {
      // The group is rebalancing: the new assignment starts from the committed offsets, so what
      // is queued goes out first, or the partitions' next owners (this member too) read it again.
      await this.committer.flush();
      throw error;
    }
  }

  /** Publishes the batch's poison messages (acks = all) before its offsets are committed. */
  private async setAside(
    topic: Topic,
    partition: number,
    poisoned: Array<Poisoned<KafkaMessage> & { failure: PoisonMessageV1['failure'] }>,
  ): Promise<void> {
    const target = deadLetterTopicOf(topic);
    const letters = poisoned.map(({ message, error, attempts, failure }) => {
      const letter: PoisonMessageV1 = {
        v: 1,
        sourceTopic: topic,
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        valueBase64: (message.value ?? Buffer.alloc(0)).toString('base64'),
        failure,
        error:
          typeof error === 'string' ? error.slice(0, 2000) || 'unknown' : describeFailure(error),
        attempts,
        service: this.options.service ?? this.options.groupId,
        consumerGroup: this.options.groupId,
        at: Date.now(),
      };
      return letter;
    });
    if (target) {
      await this.deadLetters.sendRaw(
        target,
        letters.map((l) => ({ key: l.key, value: encodeMessage(target, l) })),
      );
    } else {
      // A dead-letter topic's own poison has nowhere further to go: it is logged whole instead.
      for (const letter of letters)
        process.stderr.write(
          JSON.stringify({ level: 'error', msg: 'unhandleable message skipped', ...letter }) + '\n',
        );
    }
    this.deadLettered += letters.length;
    for (const letter of letters) this.options.onDeadLetter?.(topic, letter.failure);
  }
}
