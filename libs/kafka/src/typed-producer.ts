import { Partitioners, type ICustomPartitioner, type Kafka, type Producer } from 'kafkajs';
import { encodeMessage, type PayloadOf, type Topic } from '@wink/contracts';
import { kafkaNaming, physicalTopic } from './naming.js';

export interface OutgoingMessage<T extends Topic> {
  key: string;
  value: PayloadOf<T>;
}

/**
 * Most bytes of keys and values in one produce request: half the broker's default
 * `message.max.bytes` (1 MiB), so no partition's record batch can be refused as too large.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** Consecutive runs of messages, each within `maxBytes` (a larger message goes alone), in order. */
export function chunkByBytes<M extends { key: string | null; value: Buffer }>(
  messages: M[],
  maxBytes = MAX_REQUEST_BYTES,
): M[][] {
  const chunks: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.value.length + (message.key ? Buffer.byteLength(message.key) : 0);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Keys whose partition a producer remembers, per topic; past it the memory starts again. */
const REMEMBERED_KEYS = 50_000;

/**
 * kafkajs' default partitioner (murmur2 of the key, as the Java client), remembering each string
 * key's partition: a session's events all carry its id, and hashing it again for every message,
 * with the default's per-message scan of the partition list, was a measurable share of ingest.
 */
export const rememberingPartitioner: ICustomPartitioner = () => {
  const hashing = Partitioners.DefaultPartitioner();
  const topics = new Map<string, { partitions: number; keys: Map<string, number> }>();
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    if (typeof message.key !== 'string' || message.partition != null) return hashing(args);
    let known = topics.get(topic);
    if (
      !known ||
      known.partitions !== partitionMetadata.length ||
      known.keys.size >= REMEMBERED_KEYS
    )
      topics.set(topic, (known = { partitions: partitionMetadata.length, keys: new Map() }));
    let partition = known.keys.get(message.key);
    if (partition === undefined) known.keys.set(message.key, (partition = hashing(args)));
    return partition;
  };
};

/**
 * An idempotent producer that validates every payload against its topic's contract before
 * sending, and resolves only once all in-sync replicas have acknowledged (acks = all). A large
 * batch (a consumer catching up on a backlog) goes as several requests, in order.
 */
export class TypedProducer {
  private readonly producer: Producer;
  private readonly naming = kafkaNaming();

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: rememberingPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /**
   * Fetches the topics' metadata (partitions and their leaders) now, which the first send to each
   * would otherwise wait for; sends nothing.
   */
  async warm(topics: Topic[]): Promise<void> {
    if (topics.length === 0) return;
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: topics.map((topic) => ({
        topic: physicalTopic(topic, this.naming),
        messages: [],
      })),
    });
  }

  async send<T extends Topic>(topic: T, messages: OutgoingMessage<T>[]): Promise<void> {
    if (messages.length === 0) return;
    const encoded = messages.map((m) => ({ key: m.key, value: encodeMessage(topic, m.value) }));
    await this.sendRaw(topic, encoded);
  }

  /** Sends raw bytes, for the dead-letter path where the original value is not a valid payload. */
  async sendRaw(topic: Topic, messages: { key: string | null; value: Buffer }[]): Promise<void> {
    const name = physicalTopic(topic, this.naming);
    for (const chunk of chunkByBytes(messages))
      await this.producer.send({ topic: name, acks: -1, messages: chunk });
  }
}
