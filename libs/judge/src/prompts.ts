import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SUBTYPES, type Subtype } from '@wink/contracts';

const PROMPT_DIR = fileURLToPath(new URL('../prompts/', import.meta.url));

/**
 * One binary question to the judge, from a versioned file `prompts/<name>.v<N>.md`; its name is
 * its id in the judge's combined answer.
 */
export interface JudgePrompt {
  name: string;
  version: string;
  subtype: Subtype;
  question: string;
}

/** Every prompt at its newest version, plus the instructions that introduce them (`preamble.md`). */
export function loadPrompts(dir = PROMPT_DIR): { prompts: JudgePrompt[]; preamble: string } {
  const newest = new Map<string, JudgePrompt>();
  for (const file of readdirSync(dir)) {
    const match = /^([\w-]+)\.v(\d+)\.md$/.exec(file);
    if (!match) continue;
    const [header, question] = readFileSync(`${dir}${file}`, 'utf8').split(/^---$/m);
    const subtype = /subtype:\s*(\w+)/.exec(header)?.[1] as Subtype;
    if (!SUBTYPES.includes(subtype)) throw new Error(`${file}: unknown subtype ${subtype}`);
    const prompt = { name: match[1], version: `v${match[2]}`, subtype, question: question.trim() };
    const known = newest.get(prompt.name);
    if (!known || Number(known.version.slice(1)) < Number(match[2]))
      newest.set(prompt.name, prompt);
  }
  return {
    prompts: [...newest.values()],
    preamble: readFileSync(`${dir}preamble.md`, 'utf8').trim(),
  };
}
