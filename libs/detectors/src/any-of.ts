/**
 * One pattern matching wherever any of `patterns` does, case folded: text that matches none of
 * them, as nearly all does, is read once rather than once a pattern. Folding widens what a letter
 * matches, so for a pattern without `i` this is a sound pre-check only when nothing in it refuses
 * a letter (a lookaround, or a negated class naming one); and no pattern may hold a
 * backreference, whose number changes when they are joined. Any other pattern is refused.
 */
export function anyOf(patterns: readonly RegExp[]): RegExp {
  for (const p of patterns) {
    const refusesLetters = /\(\?<?[=!]|\[\^([^\]\\]|\\.)*(?<!\\)[A-Za-z]/.test(p.source);
    if (!/^i?$/.test(p.flags) || /\\[1-9k]/.test(p.source) || (!p.ignoreCase && refusesLetters))
      throw new Error(`anyOf cannot pre-check ${p}`);
  }
  return new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), 'i');
}
