import type { TrajectoryEvent } from '@wink/contracts';
import type { Finding } from '../finding.js';
import { observe, type ObserveOptions } from '../run-detectors.js';
import { SessionWindow } from '../session-window.js';

/**
 * Runs every detector over a whole session, as the classifier would event by event; `partial`,
 * over a window rebuilt without the session's whole record.
 */
export function analyse(
  events: TrajectoryEvent[],
  options: ObserveOptions = {},
  partial = false,
): Finding[] {
  const window = new SessionWindow();
  window.partial = partial;
  return events.flatMap((e) => observe(window, e, options));
}

export const subtypes = (findings: Finding[]) => findings.map((f) => f.subtype);
