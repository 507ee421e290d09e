/**
 * Strings as bytes, for the loops that read text a character at a time: a typed array is read
 * several times faster than a string, one `charCodeAt` at a time, and `TextEncoder` fills one in
 * bulk.
 */

const encoder = new TextEncoder();

/** `text[from, to)` as UTF-8 into `into`: how many UTF-16 units it read and bytes it wrote. */
export function encodeRange(
  text: string,
  from: number,
  to: number,
  into: Uint8Array,
): { read: number; written: number } {
  return encoder.encodeInto(from === 0 && to === text.length ? text : text.slice(from, to), into);
}

/** Below this many units a range is read as it is: encoding it would cost more than it saves. */
const ASCII_MIN = 96;
const ASCII = new Uint8Array(16_384);

/**
 * The units of `text[from, to)` as bytes (`bytes[i - from]` is `text.charCodeAt(i)`), when the
 * range is long enough to be worth it, fits and is all ASCII — one byte a unit, every unit read.
 * Else null, and the caller reads the string. Valid until the next call.
 */
export function asciiBytes(text: string, from: number, to: number): Uint8Array | null {
  const n = to - from;
  if (n < ASCII_MIN || n > ASCII.length) return null;
  const { read, written } = encodeRange(text, from, to, ASCII);
  return read === n && written === n ? ASCII : null;
}
