import { z } from 'zod';

/** Names of the detector thresholds a tenant may override (see libs/detectors thresholds.ts). */
export const DETECTOR_THRESHOLD_KEYS = [
  'identicalRepeats',
  'failingRepeats',
  'pollingRepeats',
  'repeatedMessages',
  'emptyReplies',
  'chunkRepeats',
  'failureAcrossEdits',
  'redundantReads',
  'condensations',
  'sessionTokenBudget',
  'failedCallBudget',
  'sameErrorRepeats',
  'timeoutRepeats',
  'judgeEverySteps',
] as const;
export type DetectorThresholdKey = (typeof DETECTOR_THRESHOLD_KEYS)[number];

/** Body of PUT /v1/settings/detector-thresholds: any subset, each a positive whole number. */
export const ThresholdOverrides = z.partialRecord(
  z.enum(DETECTOR_THRESHOLD_KEYS),
  z.number().int().positive().max(1_000_000_000),
);
export type ThresholdOverrides = z.infer<typeof ThresholdOverrides>;

/** Body of PUT /v1/agents/{agentName}/tools: the agent's tools with the JSON schema of their arguments. */
export const ToolRegistration = z.strictObject({
  tools: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(200),
        parameters: z.record(z.string(), z.unknown()),
      }),
    )
    .max(500),
});
export type ToolRegistration = z.infer<typeof ToolRegistration>;

/** Body of PUT /v1/settings/policy: overrides of the intervention policy's defaults. */
export const PolicyOverrides = z.strictObject({
  /** After a guidance is delivered, how long before the same misbehaviour may be answered again. */
  cooldownMs: z.number().int().nonnegative().max(86_400_000).optional(),
  /** Most guidance one session may receive. */
  maxPerSession: z.number().int().positive().max(10_000).optional(),
  /** A verdict this many steps behind the session is stale and dropped. */
  staleSteps: z.number().int().positive().max(100_000).optional(),
  /** Steps after delivery without recurrence that make an intervention resolved. */
  outcomeSteps: z.number().int().positive().max(10_000).optional(),
});
export type PolicyOverrides = z.infer<typeof PolicyOverrides>;

/** Body of PUT /v1/settings/webhook: where to push guidance, signed with `secret`. */
export const WebhookRegistration = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(16).max(256),
});

/** Bounds of a tenant's event retention, in days (PUT /v1/settings/retention). */
export const RETENTION_DAYS_MIN = 1;
export const RETENTION_DAYS_MAX = 365;

/** Body of PUT /v1/settings/retention: days of events kept for the tenant; null: the global default. */
export const RetentionSetting = z.strictObject({
  days: z.number().int().min(RETENTION_DAYS_MIN).max(RETENTION_DAYS_MAX).nullable(),
});
export type RetentionSetting = z.infer<typeof RetentionSetting>;
