import type { EventRecordV1, TrajectoryEvent } from '@wink/contracts';
import { redactEvent } from '@wink/redaction';

export interface EventMessage {
  key: string;
  value: Buffer;
}

/**
 * The `wink.trajectory.events.v1` messages of a batch validated at the edge: each event's
 * secrets masked, wrapped as an EventRecordV1 and serialised once. The envelope's JSON is written
 * once per batch around each event's, rather than building and stringifying a wrapper object for
 * every event; redaction keeps every field within the contract, so nothing is validated again.
 */
export function eventMessages(
  tenantId: string,
  receivedAt: number,
  events: TrajectoryEvent[],
): EventMessage[] {
  const head: Omit<EventRecordV1, 'event'> = { v: 1, tenantId, receivedAt };
  const prefix = `${JSON.stringify(head).slice(0, -1)},"event":`;
  const messages = new Array<EventMessage>(events.length);
  for (let i = 0; i < events.length; i++) {
    const event = redactEvent(events[i]);
    messages[i] = {
      key: event.sessionId,
      value: Buffer.from(`${prefix}${JSON.stringify(event)}}`),
    };
  }
  return messages;
}
