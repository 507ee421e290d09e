export * from './kafka-client.js';
export * from './typed-producer.js';
export * from './batch-consumer.js';
export * from './envelope.js';
export * from './failure-kind.js';
export * from './poison-isolation.js';
export * from './kafka-batch.transport.js';
export { createTopics } from './create-topics.js';
