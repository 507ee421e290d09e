import { counter, gauge } from '@wink/platform';

/**
 * An operator sizing `CLASSIFIER_MAX_SESSIONS` (and the per-tenant share) reads these: windows
 * evicted for room and then rebuilt from Postgres, at every batch of a session that comes back,
 * mean the bound is below the sessions the worker's partitions keep active.
 */
export const windowsHeld = gauge(
  'wink_classifier_windows_held',
  'Session windows this worker holds in memory',
);
export const windowsEvicted = counter(
  'wink_classifier_windows_evicted_total',
  "Session windows dropped: for the worker's bound (capacity), its tenant's share (tenant), or a partition another worker held meanwhile (partition)",
  ['reason'],
);
export const windowsRebuilt = counter(
  'wink_classifier_windows_rebuilt_total',
  'Windows of sessions under way made again from the events in Postgres: whole, partial (the history read was cut at its bound or the recorder had not reached the batch) or failed (Postgres unreadable: the window starts empty)',
  ['outcome'],
);
