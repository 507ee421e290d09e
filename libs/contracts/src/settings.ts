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
