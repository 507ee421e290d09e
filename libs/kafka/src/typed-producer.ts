import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { encodeMessage, type PayloadOf, type Topic } from '@wink/contracts';

export interface OutgoingMessage<T extends Topic> {
  key: string;
  value: PayloadOf<T>;
}

/**
 * An idempotent producer that validates every payload against its topic's contract before
 * sending, and resolves only once all in-sync replicas have acknowledged (acks = all).
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
    await this.producer.send({ topic, acks: -1, messages: encoded });
  }

  /** Sends raw bytes, for the dead-letter path where the original value is not a valid payload. */
  async sendRaw(topic: Topic, messages: { key: string | null; value: Buffer }[]): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages });
  }
}
