import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { encodeMessage, type PayloadOf, type Topic } from '@wink/contracts';
import { physicalTopic } from './naming.js';

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

/**
 * An idempotent producer that validates every payload against its topic's contract before
 * sending, and resolves only once all in-sync replicas have acknowledged (acks = all). A large
 * batch (a consumer catching up on a backlog) goes as several requests, in order.
 */
export class TypedProducer {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async send<T extends Topic>(topic: T, messages: OutgoingMessage<T>[]): Promise<void> {
    if (messages.length === 0) return;
    const encoded = messages.map((m) => ({ key: m.key, value: encodeMessage(topic, m.value) }));
    await this.sendRaw(topic, encoded);
  }

  /** Sends raw bytes, for the dead-letter path where the original value is not a valid payload. */
  async sendRaw(topic: Topic, messages: { key: string | null; value: Buffer }[]): Promise<void> {
    const name = physicalTopic(topic);
    for (const chunk of chunkByBytes(messages))
      await this.producer.send({ topic: name, acks: -1, messages: chunk });
  }
}
