import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';

const COMPOSE_FILE = fileURLToPath(new URL('../../../../docker-compose.yml', import.meta.url));

interface ComposeFile {
  services: Record<
    string,
    { environment?: Record<string, string>; build?: { args?: Record<string, string> } }
  >;
}

export function readCompose(): ComposeFile {
  return parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
}

/** The environment docker-compose.yml gives a service (with YAML merge keys resolved). */
export function composeEnvironment(service: string): Record<string, string> {
  const entry = readCompose().services[service];
  if (!entry) throw new Error(`docker-compose.yml has no service ${service}`);
  return entry.environment ?? {};
}

/** Variables the config schema reads that the compose environment does not set. */
export function unsetVariables(schema: z.ZodObject, env: Record<string, string>): string[] {
  return Object.keys(schema.shape).filter((key) => !(key in env));
}
