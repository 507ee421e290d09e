import { clip, deterministicUuid, type EventRecordV1, type VerdictV1 } from '@wink/contracts';
import type { Finding, SessionWindow } from '@wink/detectors';

/** The verdict contract's limits: signatures and reasons quote agent text, so they are clipped here. */
const MAX_SIGNATURE = 200;
const MAX_REASON = 500;
const MAX_DETECTOR = 100;
const MAX_ENV = 32;

/**
 * A detector's finding as a Verdict, every string clipped to the contract; the id is
 * deterministic (from the whole signature, so findings that differ only past the clip stay
 * distinct), so reprocessing yields the same one.
 */
export function toVerdict(
  record: EventRecordV1,
  window: SessionWindow,
  finding: Finding,
): VerdictV1 {
  const { tenantId, event } = record;
  const signature = clip(finding.signature, MAX_SIGNATURE);
  const detector = clip(finding.detector, MAX_DETECTOR);
  return {
    v: 1,
    verdictId: deterministicUuid(
      tenantId,
      event.sessionId,
      finding.detector,
      finding.signature,
      event.seq,
    ),
    tenantId,
    sessionId: event.sessionId,
    category: finding.category,
    subtype: finding.subtype,
    confidence: finding.confidence,
    signature,
    evidence: {
      fromSeq: finding.fromSeq,
      toSeq: finding.toSeq,
      reason: clip(finding.reason, MAX_REASON),
    },
    detector,
    atSeq: event.seq,
    ...(window.env ? { env: clip(window.env, MAX_ENV) } : {}),
    createdAt: Date.now(),
    sourceReceivedAt: record.receivedAt,
  };
}
