import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { createKafka, TypedProducer } from '@wink/kafka';

export const KAFKA = Symbol('KAFKA');

/** The service's Kafka client and its one connected, idempotent producer. */
@Global()
@Module({})
export class KafkaModule implements OnApplicationShutdown {
  constructor(@Inject(TypedProducer) private readonly producer: TypedProducer) {}

  static forRoot(brokers: string[], clientId: string): DynamicModule {
    const kafka = createKafka({ brokers, clientId });
    return {
      module: KafkaModule,
      providers: [
        { provide: KAFKA, useValue: kafka },
        {
          provide: TypedProducer,
          useFactory: async (k: Kafka) => {
            const producer = new TypedProducer(k);
            await producer.connect();
            return producer;
          },
          inject: [KAFKA],
        },
      ],
      exports: [KAFKA, TypedProducer],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}
