/**
 * AutoCodeRover's `write_patch` has no arguments of its own: the model's reply is the patch, as
 * `# modification N` blocks of `<file>…</file> <original>…</original> <patched>…</patched>`,
 * which the harness extracts and applies to the original files. The call's arguments are that
 * patch — the file, the text replaced and its replacement — so the detectors see an edit; what
 * the reply says around the patch is the agent's thought.
 */

const HUNK =
  /<file>([\s\S]*?)<\/file>\s*<original>([\s\S]*?)<\/original>\s*<patched>([\s\S]*?)<\/patched>/g;
/** A fenced block holding a hunk, with the `# modification N` heading before it. */
const BLOCK = /(?:^#+ *modification \d+[^\n]*\n)?```[^\n]*\n[\s\S]*?<\/patched>[\s\S]*?```/gim;

export interface PatchCall {
  /** `file`, `old` and `new` for a patch of one file; `files` when it touches several. */
  args: Record<string, string | string[]>;
  /** The reply without the patch: what the agent said about it. */
  prose: string;
}

/** The patch in a `write_patch` reply, or null when the reply holds none. */
export function patchCall(reply: string): PatchCall | null {
  const hunks = [...reply.matchAll(HUNK)].map((m) => ({
    file: m[1].trim(),
    original: m[2],
    patched: m[3],
  }));
  if (hunks.length === 0) return null;
  const files = [...new Set(hunks.map((h) => h.file))];
  const args: Record<string, string | string[]> = {
    call: 'write_patch',
    ...(files.length === 1 ? { file: files[0] } : { files }),
    old: hunks.map((h) => h.original).join('\n'),
    new: hunks.map((h) => h.patched).join('\n'),
  };
  return { args, prose: reply.replace(BLOCK, '').trim() };
}
