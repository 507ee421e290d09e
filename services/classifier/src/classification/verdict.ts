import { deterministicUuid, type EventRecordV1, type VerdictV1 } from '@wink/contracts';
import type { Finding, SessionWindow } from '@wink/detectors';

/** A detector's finding as a Verdict; the id is deterministic, so reprocessing yields the same one. */
export function toVerdict(
  record: EventRecordV1,
  window: SessionWindow,
  finding: Finding,
): VerdictV1 {
  const { tenantId, event } = record;
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
    signature: finding.signature,
    evidence: { fromSeq: finding.fromSeq, toSeq: finding.toSeq, reason: finding.reason },
    detector: finding.detector,
    atSeq: event.seq,
    ...(window.env ? { env: window.env } : {}),
    createdAt: Date.now(),
    sourceReceivedAt: record.receivedAt,
  };
}
