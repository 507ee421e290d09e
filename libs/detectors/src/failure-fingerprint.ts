import { fingerprint } from './fingerprint.js';

const SIGNAL = /(error|exception|failed|failure|fail:|assert|traceback|✗|✖|panic|fatal|not ok)/i;

/**
 * A fingerprint of what went wrong, insensitive to timings, addresses and counts: the first few
 * lines that carry an error signal, with numbers and hex ids masked.
 */
export function failureFingerprint(text: string): string {
  const lines = text
    .slice(0, 16_384)
    .split('\n')
    .filter((l) => SIGNAL.test(l))
    .slice(0, 4)
    .map((l) =>
      l
        .replace(/0x[0-9a-f]+/gi, '#')
        .replace(/\d+(\.\d+)?(ms|s)\b/g, '#')
        .replace(/\bin \d+(\.\d+)?s\b/g, '')
        .trim(),
    );
  return fingerprint(lines.length ? lines.join('\n') : text.slice(0, 512).trim());
}
