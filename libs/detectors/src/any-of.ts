/**
 * One pattern matching wherever any of `patterns` does, case folded: text that matches none of
 * them, as nearly all does, is read once rather than once a pattern. Folding only widens a
 * pattern, so it is a sound pre-check for patterns without case-sensitive lookaheads (folding
 * could make one of those fail).
 */
export function anyOf(patterns: readonly RegExp[]): RegExp {
  return new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), 'i');
}
