import { Ajv, type ValidateFunction } from 'ajv';
import { linearRegExp } from './linear-regexp.js';

/** Tool name → JSON schema of its arguments, as an agent host registered them. */
export type ToolSchemaMap = Record<string, object>;

export interface ArgumentProblem {
  path: string;
  message: string;
}

/** Compiled validators for one agent's tools; unknown tools are reported too. */
export class ToolSchemas {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(schemas: ToolSchemaMap) {
    const ajv = new Ajv({ allErrors: false, strict: false, code: { regExp: linearRegExp } });
    // Quadratic in the array's length for non-primitive items: a tenant's schema must not let
    // one event stall the classifier, so the keyword is not enforced.
    ajv.removeKeyword('uniqueItems');
    for (const [name, schema] of Object.entries(schemas))
      this.validators.set(name, ajv.compile(schema));
  }

  get size(): number {
    return this.validators.size;
  }

  /** null when the arguments fit; otherwise the first problem. */
  check(tool: string, args: unknown): ArgumentProblem | null {
    const validate = this.validators.get(tool);
    if (!validate) return { path: '', message: `unknown tool \`${tool}\`` };
    if (validate(args ?? {})) return null;
    const error = validate.errors?.[0];
    const path = error?.instancePath.replace(/^\//, '').replaceAll('/', '.') ?? '';
    const missing =
      error?.params && 'missingProperty' in error.params
        ? String(error.params.missingProperty)
        : null;
    return {
      path: missing ? (path ? `${path}.${missing}` : missing) : path,
      message: missing ? 'is required' : (error?.message ?? 'is invalid'),
    };
  }
}
