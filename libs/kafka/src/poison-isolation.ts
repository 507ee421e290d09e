import { isMessageFailure } from './failure-kind.js';

/** A message set aside: what its handling last failed with, and how often it was tried. */
export interface Poisoned<M> {
  message: M;
  error: unknown;
  attempts: number;
}

/**
 * What a batch handler resolves with: nothing when every message took effect, or the messages it
 * found it could never handle (e.g. one whose derived output breaks its topic's contract), so the
 * consumer sets them aside instead of retrying the batch.
 */
export type HandlerOutcome<M> = void | Poisoned<M>[];

export interface IsolationOptions {
  /** Tries of a message on its own before it is set aside (at least 1). */
  attempts: number;
  /** Wait before try `n` (2, 3, …) of a message on its own. */
  backoffMs: (attempt: number) => number;
  /** Between handler calls: keeps the group membership alive, throws once the batch is stale. */
  between: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `handler` over `messages` and returns the ones that cannot be handled. A batch that fails
 * because of its data is bisected, so only the failing message is set aside and every other one
 * takes effect, in order; that message is tried alone `attempts` times first. A transient failure
 * (Postgres or the broker down, anything not known to be the data's fault) is thrown, so the
 * caller retries the whole batch later. Handlers must be idempotent: a bisected batch's messages
 * before the failing one may be handled more than once.
 */
export async function handleIsolatingPoison<M>(
  messages: M[],
  handler: (messages: M[]) => Promise<HandlerOutcome<M>>,
  options: IsolationOptions,
): Promise<Poisoned<M>[]> {
  const run = async (slice: M[]): Promise<Poisoned<M>[]> => {
    try {
      return (await handler(slice)) ?? [];
    } catch (error) {
      if (!isMessageFailure(error)) throw error;
      if (slice.length === 1) return retryAlone(slice[0], error);
      const middle = slice.length >>> 1;
      await options.between();
      const first = await run(slice.slice(0, middle));
      await options.between();
      return [...first, ...(await run(slice.slice(middle)))];
    }
  };

  const retryAlone = async (message: M, firstError: unknown): Promise<Poisoned<M>[]> => {
    let error = firstError;
    for (let attempt = 2; attempt <= options.attempts; attempt++) {
      await sleep(options.backoffMs(attempt));
      await options.between();
      try {
        return (await handler([message])) ?? [];
      } catch (next) {
        if (!isMessageFailure(next)) throw next;
        error = next;
      }
    }
    return [{ message, error, attempts: Math.max(1, options.attempts) }];
  };

  return messages.length === 0 ? [] : run(messages);
}
