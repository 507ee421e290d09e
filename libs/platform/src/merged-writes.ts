import { isMessageFailure, PARTITIONS_CONSUMED_CONCURRENTLY } from '@wink/kafka';
import { Coalescer, type CoalescerOptions } from './coalescer.js';

/**
 * Writes of the work handed over together, merged: kafkajs hands over the partition batches of one
 * fetch at once (and fetches again only once all are done), so their writes share one statement
 * or produce instead of queueing one behind another. A merged write failing on its data is
 * retried as each submission alone, so only the one at fault fails (and is bisected by the
 * consumer) and no other partition's rows are dead-lettered with it.
 */
export const mergedWrites = <M>(
  write: (items: M[]) => Promise<unknown>,
  limits: Pick<CoalescerOptions, 'maxItems' | 'maxInFlight'> = {},
): Coalescer<M> =>
  new Coalescer(write, { ...limits, gatherTurn: true, retryAloneOn: isMessageFailure });

/**
 * For a consumer's partition batches: a backlog's (large batches, which gain little from merging)
 * keep to writes of at most 2,000 items, as many in flight as the consumer runs partitions, so a
 * batch handed over later never waits for one in flight.
 */
export const PARTITION_BATCH_LIMITS = {
  maxItems: 2000,
  maxInFlight: PARTITIONS_CONSUMED_CONCURRENTLY,
} as const;
