/** Objects with more keys than this are sorted by `Array.prototype.sort`. */
const FEW = 16;

/**
 * `Object.keys(value).sort()`: an object's own keys in code-unit order. A call's arguments have
 * a few keys, which are sorted in place here, without the work array `sort` allocates each call.
 */
export function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > FEW) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i;
    for (; j > 0 && keys[j - 1] > key; j--) keys[j] = keys[j - 1];
    keys[j] = key;
  }
  return keys;
}
