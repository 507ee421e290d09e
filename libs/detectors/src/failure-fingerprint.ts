import { fingerprint } from './fingerprint.js';

const SIGNAL = /(error|exception|failed|failure|fail:|assert|traceback|✗|✖|panic|fatal|not ok)/i;

/**
 * A fingerprint of what went wrong, insensitive to timings, addresses and counts: the first few
 * lines that carry an error signal, with numbers and hex ids masked.
 */
export function failureFingerprint(text: string): string {
  const signals: string[] = [];
  let start = 0;
  const end = Math.min(text.length, 4096);
  while (start < end && signals.length < 4) {
    let stop = text.indexOf('\n', start);
    if (stop === -1 || stop > end) stop = end;
    const line = text.slice(start, stop);
    if (SIGNAL.test(line)) signals.push(line);
    start = stop + 1;
  }
  const lines = signals.map((l) =>
    l
      .replace(/0x[0-9a-f]+/gi, '#')
      .replace(/\d+(\.\d+)?(ms|s)\b/g, '#')
      .replace(/\bin \d+(\.\d+)?s\b/g, '')
      .trim(),
  );
  return fingerprint(lines.length ? lines.join('\n') : text.slice(0, 512).trim());
}
