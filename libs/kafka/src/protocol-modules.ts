import { createRequire } from 'node:module';

/** The requests a running service makes at every batch or beat. */
const HOT_REQUESTS = ['Produce', 'Fetch', 'OffsetCommit', 'Heartbeat'];

interface RequestDefinitions {
  versions: string[];
  protocol: (o: { version: number }) => (args: object) => unknown;
}

/**
 * Loads KafkaJS' encoders and decoders of the hot requests, every version of them. KafkaJS
 * requires a request's modules (tens of files) at its first use, which came in the first burst of
 * traffic: a service's first produce and first offset commit blocked its event loop while they
 * loaded. Building a request encodes nothing and sends nothing. KafkaJS exports no API for this:
 * its own request table is read (a KafkaJS laying it out otherwise fails the warm-up step, which
 * is logged, and leaves them cold). Returns how many request versions it built.
 */
export function loadProtocolModules(): number {
  const require = createRequire(import.meta.url);
  let loaded = 0;
  const { requests } = require('kafkajs/src/protocol/requests') as {
    requests: Record<string, RequestDefinitions | undefined>;
  };
  for (const name of HOT_REQUESTS)
    for (const version of requests[name]?.versions ?? []) {
      try {
        requests[name]!.protocol({ version: Number(version) })({});
        loaded++;
      } catch {
        // A builder reading its (absent) arguments at once: its encoder is loaded by then, and
        // its decoder unless required later (best effort: first use loads it); not counted.
      }
    }
  return loaded;
}
