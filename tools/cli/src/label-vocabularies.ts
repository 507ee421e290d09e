import { CATEGORIES, SUBTYPES, categoryOf, type Category, type Subtype } from '@wink/contracts';

/** A label in Wink's taxonomy: a category, and a subtype when one is known. */
export interface Label {
  category: Category;
  subtype?: Subtype;
  step?: number;
}

type Target = { category: Category; subtype?: Subtype };

const t = (category: Category, subtype?: Subtype): Target =>
  subtype ? { category, subtype } : { category };

/**
 * Other published vocabularies, where one of their labels says what a Wink label says. Keys are
 * normalised (lower case, runs of other characters as `_`). What is not here is reported as
 * unmapped rather than guessed: e.g. sola-st's Follow-up and Refinement (normal steps), AgentRx's
 * System Failure (the environment, not the agent) or Guardrails.
 */
const FOREIGN: Record<string, { vocabulary: string; target: Target }> = {
  // sola-st/llm-agents-study step-pair annotations
  repetition: { vocabulary: 'sola-st', target: t('reasoning_problem', 'repetitive_loop') },
  redundancy: { vocabulary: 'sola-st', target: t('reasoning_problem', 'no_progress') },
  divergence: { vocabulary: 'sola-st', target: t('specification_drift') },
  misinterpretation: { vocabulary: 'sola-st', target: t('reasoning_problem') },
  contradiction: { vocabulary: 'sola-st', target: t('reasoning_problem') },
  // microsoft/AgentRx failure categories
  instruction_plan_adherence: {
    vocabulary: 'AgentRx',
    target: t('specification_drift', 'did_not_follow_instructions'),
  },
  instruction_plan_adherence_failure: {
    vocabulary: 'AgentRx',
    target: t('specification_drift', 'did_not_follow_instructions'),
  },
  intent_plan_misalignment: { vocabulary: 'AgentRx', target: t('specification_drift') },
  invention_of_new_information: { vocabulary: 'AgentRx', target: t('reasoning_problem') },
  misinterpretation_of_tool_output: { vocabulary: 'AgentRx', target: t('reasoning_problem') },
  invalid_invocation: {
    vocabulary: 'AgentRx',
    target: t('tool_call_failure', 'malformed_arguments'),
  },
};

const NAME_FIELDS = ['subtype', 'category', 'label', 'failure_category', 'type', 'name'] as const;
const STEP_FIELDS = ['step', 'step_number', 'iteration'] as const;

export function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function inTaxonomy(name: string): Target | null {
  const n = normaliseName(name);
  if ((SUBTYPES as string[]).includes(n)) return t(categoryOf(n as Subtype), n as Subtype);
  if ((CATEGORIES as string[]).includes(n)) return t(n as Category);
  return null;
}

export type LabelReading =
  | { kind: 'wink'; label: Label }
  | { kind: 'mapped'; label: Label; from: string; vocabulary: string }
  | { kind: 'unmapped'; name: string };

function stepOf(raw: Record<string, unknown>): number | undefined {
  for (const field of STEP_FIELDS) {
    const v = raw[field];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  }
  return undefined;
}

/**
 * Reads one label of any vocabulary: a string, or an object naming it in `subtype`,
 * `category`, `label`, `failure_category`, `type` or `name`, with its step in `step`,
 * `step_number` or `iteration`. The most specific reading wins: a Wink subtype, then a known
 * vocabulary's label that gives one, then a Wink category, then one a known label gives.
 * `foreign` lists the names that are not Wink's.
 */
export function readLabel(raw: unknown): LabelReading & { foreign: string[] } {
  const record: Record<string, unknown> =
    typeof raw === 'string'
      ? { label: raw }
      : raw && typeof raw === 'object'
        ? (raw as Record<string, unknown>)
        : {};
  const names = NAME_FIELDS.map((f) => record[f]).filter(
    (v): v is string => typeof v === 'string' && v.trim() !== '',
  );
  const foreign = names.filter((n) => !inTaxonomy(n));
  const step = stepOf(record);
  const label = (target: Target): Label => (step === undefined ? target : { ...target, step });
  const own = names.map(inTaxonomy);
  const known = names.map((n) => FOREIGN[normaliseName(n)]);
  const pick = (specific: boolean): LabelReading | null => {
    for (let i = 0; i < names.length; i++) {
      if (own[i] && !!own[i]!.subtype === specific) return { kind: 'wink', label: label(own[i]!) };
      const k = known[i];
      if (k && !!k.target.subtype === specific)
        return { kind: 'mapped', label: label(k.target), from: names[i], vocabulary: k.vocabulary };
    }
    return null;
  };
  const reading = pick(true) ??
    pick(false) ?? { kind: 'unmapped' as const, name: names[0] ?? JSON.stringify(raw) };
  return { ...reading, foreign };
}
