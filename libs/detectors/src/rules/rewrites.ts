import type { CompletedAction } from '../session-window.js';

/** How much of an edit's texts the containment check reads. */
const TEXT_MAX = 16_384;
/** How much of an edit's result is read for a sign that it did not go through. */
const RESULT_MAX = 2048;
/**
 * A result that speaks of an error or of the change not being made: linters that refuse an edit
 * and leave the file as it was ("Your changes have not been applied … try again"), a
 * replacement whose text was not found. The same lines sent again after it are the retry asked for.
 */
export const NOT_THROUGH =
  /\b(?:errors?|failed|failure|invalid|(?:not|n't) (?:been )?(?:applied|performed|found|made|saved|changed)|did not (?:apply|appear|match)|try again|retry)\b/i;

/** An edit that replaced, again, the text the edit just before it had already replaced. */
export interface Rewrite {
  path: string;
  /** The call seqs of the two edits. */
  steps: [number, number];
}

/**
 * Whether an edit's replacement drops the text it replaces. One that keeps it (an insertion
 * after an anchor line) leaves the anchor in place, and a second edit at the same anchor is a
 * second insertion, not the first one written again.
 */
export function removesReplaced(oldText: string | null, newText: string | null): boolean {
  const old = oldText?.trim().slice(0, TEXT_MAX) ?? '';
  if (old === '' || newText === null) return false;
  return !newText.slice(0, TEXT_MAX * 2).includes(old);
}

/**
 * The latest edit, to recognise the same patch written again: two edits in a row, nothing run,
 * read or said by the user between them, of the same file and the same replaced text, both
 * going through. The first one removed that text, so a second replacement of it that succeeds
 * means the first patch did not stay (a patch tool that applies each patch to the original, a
 * reset), and the agent wrote the patch of the same lines again instead of finding out why.
 */
export class RewriteMemory {
  /** The latest edit call whose replacement drops the text it replaces, or -1. */
  private removing = -1;
  private last: { path: string; oldFp: string; seq: number } | null = null;
  /** Set by the edit that rewrote the previous edit's lines; cleared by the next result. */
  found: Rewrite | null = null;

  onCall(seq: number, oldText: string | null, newText: string | null): void {
    this.removing = removesReplaced(oldText, newText) ? seq : -1;
  }

  /** `clean`: the call neither failed nor reported an error nor was rejected. */
  onResult(a: CompletedAction, clean: boolean): void {
    const previous = this.last;
    this.found = null;
    this.last = null;
    if (!clean || a.kind !== 'edit' || !a.path || !a.editFps || a.callSeq !== this.removing) return;
    if (
      NOT_THROUGH.test(a.error.slice(0, RESULT_MAX)) ||
      NOT_THROUGH.test(a.output.slice(0, RESULT_MAX))
    )
      return;
    if (previous && previous.path === a.path && previous.oldFp === a.editFps[0])
      this.found = { path: a.path, steps: [previous.seq, a.callSeq] };
    this.last = { path: a.path, oldFp: a.editFps[0], seq: a.callSeq };
  }

  /** What the user says is new information: an edit after it is not a rewrite without any. */
  onUserMessage(): void {
    this.last = null;
  }
}
