import { counter, gauge, histogram } from '@wink/platform';

export const issued = counter('wink_guidance_issued_total', 'Guidance issued', [
  'subtype',
  'severity',
]);
export const dropped = counter(
  'wink_verdicts_dropped_total',
  'Verdicts the policy did not answer',
  ['reason'],
);
export const delivered = counter('wink_guidance_deliveries_total', 'Guidance handed to a channel', [
  'channel',
]);
export const webhookFailures = counter('wink_webhook_failures_total', 'Failed webhook attempts', [
  'final',
]);
export const eventToGuidance = histogram(
  'wink_event_to_guidance_seconds',
  'From ingest accepting the step to the guidance being available',
);
export const guidanceToDelivery = histogram(
  'wink_guidance_to_delivery_seconds',
  'From the guidance being available to a channel handing it over',
  ['channel'],
);
export const deliveryToAck = histogram(
  'wink_delivery_to_ack_seconds',
  'From first delivery to the host acknowledging',
);
export const outcomes = counter('wink_outcomes_total', 'Interventions that reached an outcome', [
  'outcome',
]);
export const claimsMade = counter(
  'wink_guidance_claims_total',
  'Claims long-polls and streams made for their guidance (claims made together share a statement)',
  ['channel'],
);
export const waitingSessions = gauge(
  'wink_guidance_waiting_sessions',
  'Sessions with a long-poll or stream waiting on this instance',
);
export const refusedConnections = counter(
  'wink_guidance_connections_refused_total',
  'Long-polls and streams refused because the tenant had its share open',
  ['channel'],
);
