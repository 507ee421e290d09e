declare global {
  interface String {
    isWellFormed(): boolean;
  }
}

/** Longest text a TrajectoryEvent field or tool-argument string may hold (UTF-16 units). */
export const MAX_TEXT = 65_536;
/** Longest object key inside tool arguments. */
export const MAX_ARG_KEY = 256;
/** Deepest nesting of tool arguments: well within what Postgres' jsonb parser accepts. */
export const MAX_ARG_DEPTH = 256;

/**
 * Why Postgres could not store the string, or null: `text` and `jsonb` refuse NUL, and `jsonb`
 * refuses the escape of a lone surrogate, which `JSON.stringify` writes for one.
 */
export function unstorable(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain NUL (\\u0000)';
  if (!s.isWellFormed()) return 'must not contain a lone UTF-16 surrogate';
  return null;
}

/** At most `max` UTF-16 units, never ending in half a surrogate pair. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Where a problem is, as path segments, and why. */
export interface JsonProblem {
  path: Array<string | number>;
  message: string;
}

interface Node {
  value: unknown;
  key: string | number;
  parent: Node | null;
  depth: number;
}

function pathOf(node: Node): Array<string | number> {
  const path: Array<string | number> = [];
  for (let n: Node | null = node; n?.parent; n = n.parent) path.unshift(n.key);
  return path;
}

/**
 * The first place where a JSON value (tool arguments) holds something the topic or Postgres
 * cannot: a NUL or lone surrogate in a string or key, an overlong string or key, nesting deeper
 * than MAX_ARG_DEPTH. Iterative, so no input can exhaust the stack.
 */
export function unstorableJson(value: unknown): JsonProblem | null {
  const stack: Node[] = [{ value, key: '', parent: null, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      if (v.length > MAX_TEXT)
        return { path: pathOf(node), message: `must be at most ${MAX_TEXT} characters` };
      const why = unstorable(v);
      if (why) return { path: pathOf(node), message: why };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (node.depth >= MAX_ARG_DEPTH)
      return { path: pathOf(node), message: `nests deeper than ${MAX_ARG_DEPTH} levels` };
    const depth = node.depth + 1;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        stack.push({ value: v[i], key: i, parent: node, depth });
      continue;
    }
    for (const key of Object.keys(v)) {
      const child: Node = { value: (v as Record<string, unknown>)[key], key, parent: node, depth };
      if (key.length > MAX_ARG_KEY)
        return { path: pathOf(child), message: `key must be at most ${MAX_ARG_KEY} characters` };
      const why = unstorable(key);
      if (why) return { path: pathOf(child), message: `key ${why}` };
      stack.push(child);
    }
  }
  return null;
}
