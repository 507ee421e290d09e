/** The misbehaviour taxonomy of ../shared/design/TAXONOMY.md; subtype names are the contract. */
export const TAXONOMY = {
  specification_drift: ['did_not_follow_instructions', 'unrequested_changes', 'destructive_action'],
  reasoning_problem: ['repetitive_loop', 'no_progress', 'false_completion', 'runaway_usage'],
  tool_call_failure: ['malformed_arguments', 'nonexistent_resource', 'repeated_tool_error'],
} as const;

export type Category = keyof typeof TAXONOMY;
export type Subtype = (typeof TAXONOMY)[Category][number];

export const CATEGORIES = Object.keys(TAXONOMY) as Category[];
export const SUBTYPES = Object.values(TAXONOMY).flat() as Subtype[];

export function categoryOf(subtype: Subtype): Category {
  const found = CATEGORIES.find((c) => (TAXONOMY[c] as readonly string[]).includes(subtype));
  if (!found) throw new Error(`unknown subtype ${subtype}`);
  return found;
}

export const SEVERITIES = ['nudge', 'warn', 'halt'] as const;
export type Severity = (typeof SEVERITIES)[number];
