import type { DetectorThresholdKey, ThresholdOverrides } from '@wink/contracts';

/** Defaults a tenant can override (any subset). */
export interface DetectorThresholds extends Record<DetectorThresholdKey, number> {
  /** Identical action with an identical result this many times in a row is a loop. */
  identicalRepeats: number;
  /** Identical action failing (or rejected, told to change it) this many times in a row is a loop. */
  failingRepeats: number;
  /** For waiting and polling commands, the repeats that count as a loop. */
  pollingRepeats: number;
  /** Identical assistant messages with no tool result between them. */
  repeatedMessages: number;
  /** Empty or whitespace-only assistant replies in a row. */
  emptyReplies: number;
  /** Times one ~50-character chunk may repeat inside a single reply. */
  chunkRepeats: number;
  /** Different edits across which the same test failure persists. */
  failureAcrossEdits: number;
  /** Calls returning a result already seen, with no edit between them. */
  redundantReads: number;
  /** Context condensations in a row with no tool call between them. */
  condensations: number;
  /** Tokens (input + output) a session may spend. */
  sessionTokenBudget: number;
  /** Failed tool calls a session may make. */
  failedCallBudget: number;
  /** Consecutive failing calls with the same error (when the calls differ). */
  sameErrorRepeats: number;
  /** Consecutive timeouts. */
  timeoutRepeats: number;
  /** How often the LLM judge (when enabled) looks at a session, in steps. */
  judgeEverySteps: number;
}

export const DEFAULT_THRESHOLDS: DetectorThresholds = {
  identicalRepeats: 4,
  failingRepeats: 3,
  pollingRepeats: 30,
  repeatedMessages: 3,
  emptyReplies: 3,
  chunkRepeats: 10,
  failureAcrossEdits: 3,
  redundantReads: 3,
  condensations: 10,
  sessionTokenBudget: 2_000_000,
  failedCallBudget: 30,
  sameErrorRepeats: 3,
  timeoutRepeats: 3,
  judgeEverySteps: 5,
};

export function withOverrides(overrides: ThresholdOverrides = {}): DetectorThresholds {
  return { ...DEFAULT_THRESHOLDS, ...overrides };
}
