/**
 * SQL for a session's point in [0, 1): the first 32 bits of md5(session id) over 2^32, as
 * `cohortPoint` in @wink/contracts computes it. The recorder stores it on the session; an
 * experiment puts the session in treatment when the point is below its treatment share.
 */
export const COHORT_POINT_SQL = (sessionId: string) =>
  `(('x' || substr(md5(${sessionId}), 1, 8))::bit(32)::bigint / 4294967296.0)`;
