export * from './kafka-client.js';
export * from './naming.js';
export * from './typed-producer.js';
export * from './batch-consumer.js';
export * from './failure-kind.js';
export * from './poison-isolation.js';
export * from './offset-committer.js';
export * from './kafka-batch.transport.js';
export { createTopics, removeRunTopics } from './create-topics.js';
