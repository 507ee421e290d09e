import { observe, SessionWindow, type Finding } from '@wink/detectors';
import type { TrajectoryEvent } from '@wink/contracts';

export interface SessionVerdicts {
  sessionId: string;
  verdicts: Array<
    Pick<Finding, 'category' | 'subtype' | 'confidence' | 'detector' | 'reason'> & {
      fromStep: number;
      toStep: number;
    }
  >;
}

/** Runs the same detectors the classifier runs over one session, offline. */
export function detect(events: TrajectoryEvent[]): Finding[] {
  const window = new SessionWindow();
  return events.flatMap((e) => observe(window, e));
}

export function analyzeSession(sessionId: string, findings: Finding[]): SessionVerdicts {
  return {
    sessionId,
    verdicts: findings.map((f) => ({
      category: f.category,
      subtype: f.subtype,
      confidence: f.confidence,
      fromStep: f.fromSeq,
      toStep: f.toSeq,
      detector: f.detector,
      reason: f.reason,
    })),
  };
}

export function formatVerdicts(result: SessionVerdicts): string {
  if (result.verdicts.length === 0) return `${result.sessionId}: no misbehaviour found`;
  const lines = [`${result.sessionId}: ${result.verdicts.length} verdict(s)`];
  for (const v of result.verdicts) {
    const steps =
      v.fromStep === v.toStep ? `step ${v.fromStep}` : `steps ${v.fromStep}-${v.toStep}`;
    lines.push(
      `  ${`${v.category}/${v.subtype}`.padEnd(48)} ${steps.padEnd(14)} ${v.confidence.toFixed(2)}  ${v.reason}`,
    );
  }
  return lines.join('\n');
}
