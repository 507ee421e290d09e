import { NO_FINDINGS, type Detector, type DetectorInput, type Finding } from '../finding.js';

const NAME = 'rules/runaway-usage@1';

/**
 * reasoning_problem/runaway_usage: spending out of proportion — the session's tokens past
 * `sessionTokenBudget`, or its failed tool calls past `failedCallBudget` (a retry budget). Each
 * fires once, on the step that crosses the budget. Baselines per tenant are the thresholds a tenant sets; judging
 * whether the spend bought progress is the LLM judge's.
 */
export const runawayUsage: Detector = {
  name: NAME,
  stepTypes: ['usage', 'result'],
  detect({ window, step, thresholds }: DetectorInput): readonly Finding[] {
    const budget = thresholds.sessionTokenBudget;
    if (step.type === 'usage' && window.tokens > budget && window.tokensBefore <= budget) {
      return [
        {
          category: 'reasoning_problem',
          subtype: 'runaway_usage',
          confidence: 0.8,
          signature: 'budget:tokens',
          fromSeq: 0,
          toSeq: step.seq,
          reason: `spent ${window.tokens.toLocaleString('en-US')} tokens, over the session budget of ${thresholds.sessionTokenBudget.toLocaleString('en-US')}`,
          detector: NAME,
        },
      ];
    }
    if (
      step.type === 'result' &&
      step.action.failed &&
      window.failedCalls === thresholds.failedCallBudget + 1
    ) {
      return [
        {
          category: 'reasoning_problem',
          subtype: 'runaway_usage',
          confidence: 0.75,
          signature: 'budget:failures',
          fromSeq: 0,
          toSeq: step.seq,
          reason: `made ${window.failedCalls} failed tool calls, over the retry budget of ${thresholds.failedCallBudget}`,
          detector: NAME,
        },
      ];
    }
    return NO_FINDINGS;
  },
};
