import { CATEGORIES, SUBTYPES, type Category, type Subtype } from '@wink/contracts';
import type { Finding } from '@wink/detectors';
import type { Label, LabelVocabularies } from './labelled-sessions.js';

export interface Scored {
  support: number;
  predicted: number;
  tp: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvaluationReport {
  sessions: number;
  clean: number;
  /** Share of sessions labelled clean that any detector flagged. */
  cleanFlagged: number;
  /** Sessions whose run succeeded (when the data says), and the share of them each subtype flagged. */
  succeeded: number;
  succeededFlagged: Partial<Record<Subtype | 'any', number>>;
  byCategory: Record<Category, Scored>;
  bySubtype: Record<Subtype, Scored>;
  /** Rows: the labelled category (or `clean`); columns: the predicted category (or `none`). */
  confusion: Record<string, Record<string, number>>;
  /** Labels of another vocabulary: those read as Wink's, and those left out, with their counts. */
  labels: LabelVocabularies;
}

export interface EvaluatedSession {
  labels: Label[];
  /** Labels no vocabulary could read: such a session is not counted as clean. */
  unmapped?: string[];
  findings: Finding[];
  outcome?: 'succeeded' | 'failed';
}

function score(tp: number, predicted: number, support: number): Scored {
  const precision = predicted ? tp / predicted : 0;
  const recall = support ? tp / support : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { support, predicted, tp, precision, recall, f1 };
}

/**
 * Session-level precision, recall and F1 per category and per subtype: a session counts for a
 * subtype when it carries a label of it, and as predicted when any detector reported it. A
 * label that names only a category counts for that category alone.
 */
export function evaluate(
  sessions: EvaluatedSession[],
  vocabularies: LabelVocabularies[] = [],
): EvaluationReport {
  const count = (keys: readonly string[]) =>
    Object.fromEntries(keys.map((k) => [k, { support: 0, predicted: 0, tp: 0 }]));
  const cat = count(CATEGORIES);
  const sub = count(SUBTYPES);
  const confusion: Record<string, Record<string, number>> = {};
  let clean = 0;
  let cleanFlagged = 0;
  let succeeded = 0;
  const succeededFlagged: Partial<Record<Subtype | 'any', number>> = {};
  for (const s of sessions) {
    const labelledCats = new Set(s.labels.map((l) => l.category));
    const labelledSubs = new Set(s.labels.flatMap((l) => (l.subtype ? [l.subtype] : [])));
    const predictedCats = new Set(s.findings.map((f) => f.category));
    const predictedSubs = new Set(s.findings.map((f) => f.subtype));
    for (const c of CATEGORIES) {
      if (labelledCats.has(c)) cat[c].support++;
      if (predictedCats.has(c)) cat[c].predicted++;
      if (labelledCats.has(c) && predictedCats.has(c)) cat[c].tp++;
    }
    for (const t of SUBTYPES) {
      if (labelledSubs.has(t)) sub[t].support++;
      if (predictedSubs.has(t)) sub[t].predicted++;
      if (labelledSubs.has(t) && predictedSubs.has(t)) sub[t].tp++;
    }
    if (s.outcome === 'succeeded') {
      succeeded++;
      for (const t of [...predictedSubs, ...(predictedSubs.size ? (['any'] as const) : [])]) {
        succeededFlagged[t] = (succeededFlagged[t] ?? 0) + 1;
      }
    }
    if (s.labels.length === 0 && !s.unmapped?.length) {
      clean++;
      if (s.findings.length > 0) cleanFlagged++;
    }
    const rows = labelledCats.size
      ? [...labelledCats]
      : [s.unmapped?.length ? 'unmapped' : 'clean'];
    const cols = predictedCats.size ? [...predictedCats] : ['none'];
    for (const r of rows) {
      confusion[r] ??= {};
      for (const c of cols) confusion[r][c] = (confusion[r][c] ?? 0) + 1;
    }
  }
  const finish = (m: Record<string, { support: number; predicted: number; tp: number }>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, score(v.tp, v.predicted, v.support)]));
  return {
    sessions: sessions.length,
    clean,
    cleanFlagged: clean ? cleanFlagged / clean : 0,
    succeeded,
    succeededFlagged: Object.fromEntries(
      Object.entries(succeededFlagged).map(([k, n]) => [k, n / succeeded]),
    ),
    byCategory: finish(cat) as Record<Category, Scored>,
    bySubtype: finish(sub) as Record<Subtype, Scored>,
    confusion,
    labels: mergeCounts(vocabularies),
  };
}

function mergeCounts(vocabularies: LabelVocabularies[]): LabelVocabularies {
  const out: LabelVocabularies = { mapped: {}, unmapped: {} };
  for (const v of vocabularies)
    for (const kind of ['mapped', 'unmapped'] as const)
      for (const [name, n] of Object.entries(v[kind])) out[kind][name] = (out[kind][name] ?? 0) + n;
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatEvaluation(r: EvaluationReport): string {
  const row = (name: string, s: Scored) =>
    `  ${name.padEnd(30)} ${String(s.support).padStart(7)} ${String(s.predicted).padStart(9)} ${pct(s.precision).padStart(9)} ${pct(s.recall).padStart(7)} ${s.f1.toFixed(2).padStart(5)}`;
  const header = `  ${''.padEnd(30)} ${'support'.padStart(7)} ${'predicted'.padStart(9)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'F1'.padStart(5)}`;
  const lines = [
    `${r.sessions} sessions, ${r.clean} clean; clean sessions flagged: ${pct(r.cleanFlagged)}`,
  ];
  if (r.succeeded > 0) {
    const flagged = Object.entries(r.succeededFlagged).map(([k, v]) => `${k} ${pct(v ?? 0)}`);
    lines.push(
      `${r.succeeded} succeeded runs; flagged: ${flagged.length ? flagged.join(', ') : 'none'}`,
    );
  }
  const counted = (m: Record<string, number>) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ×${n}`)
      .join(', ');
  if (Object.keys(r.labels.mapped).length)
    lines.push(`labels read from another vocabulary: ${counted(r.labels.mapped)}`);
  if (Object.keys(r.labels.unmapped).length)
    lines.push(
      `labels not mapped (no clear Wink equivalent; left out of the scores): ${counted(r.labels.unmapped)}`,
    );
  lines.push('per category', header);
  for (const [k, s] of Object.entries(r.byCategory)) lines.push(row(k, s));
  lines.push('per subtype', header);
  for (const [k, s] of Object.entries(r.bySubtype))
    if (s.support || s.predicted) lines.push(row(k, s));
  const cols = [...new Set(Object.values(r.confusion).flatMap((c) => Object.keys(c)))].sort();
  lines.push(
    'confusion (rows: labelled, columns: predicted)',
    `  ${''.padEnd(22)}${cols.map((c) => c.padStart(22)).join('')}`,
  );
  for (const [label, counts] of Object.entries(r.confusion)) {
    lines.push(
      `  ${label.padEnd(22)}${cols.map((c) => String(counts[c] ?? 0).padStart(22)).join('')}`,
    );
  }
  return lines.join('\n');
}
