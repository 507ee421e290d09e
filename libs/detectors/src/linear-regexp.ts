import { RE2JS } from 're2js';

/**
 * Ajv's regex engine for tenants' schemas (`pattern`, `patternProperties`): RE2, whose matching
 * time is linear in the input, so no pattern such as `^(a|a)*$` can make a check spin.
 * Patterns RE2 cannot express (lookaround, backreferences) fail to compile, and the schema is
 * refused when it is registered.
 */
export const linearRegExp = Object.assign(
  (pattern: string) => {
    const re = RE2JS.compile(pattern);
    return { test: (input: string) => re.test(input) };
  },
  { code: 'linearRegExp' },
);
