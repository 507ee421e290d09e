import { isMessageFailure } from '@wink/kafka';
import { Coalescer } from '@wink/platform';

/**
 * The partition batches of one fetch reach the handlers together (kafkajs runs several at once):
 * their rows go in one statement, one round trip and one transaction instead of one each. A
 * merged write failing on its data is retried batch by batch, so only the batch at fault fails
 * (and is bisected by the consumer) and no other partition's rows are dead-lettered with it.
 * Large batches (a backlog) gain little from merging: they keep their own statements, in parallel.
 */
export const mergedWrites = <M>(write: (rows: M[]) => Promise<unknown>): Coalescer<M> =>
  new Coalescer(write, {
    gatherTurn: true,
    maxItems: 2000,
    maxInFlight: 6, // kafkajs' partitionsConsumedConcurrently: a backlog keeps its parallelism
    retryAloneOn: isMessageFailure,
  });
