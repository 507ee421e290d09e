// Writes the rendered manifests under infra/k8s (npm run k8s:render), removing stale ones.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderManifests } from './render.js';

export const K8S_DIR = fileURLToPath(new URL('..', import.meta.url));
export const RENDERED_DIRS = ['base', 'overlays'];

/** The YAML files now under base/ and overlays/, relative to infra/k8s. */
export function committedFiles(root = K8S_DIR): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.yaml') ? [relative(root, path)] : [];
    });
  return RENDERED_DIRS.flatMap((d) => {
    try {
      return walk(join(root, d));
    } catch {
      return [];
    }
  }).sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await renderManifests();
  for (const stale of committedFiles()) if (!files.has(stale)) rmSync(join(K8S_DIR, stale));
  for (const [path, text] of files) {
    mkdirSync(dirname(join(K8S_DIR, path)), { recursive: true });
    writeFileSync(join(K8S_DIR, path), text);
  }
  console.error(`[k8s] wrote ${files.size} files under ${K8S_DIR}`);
}
