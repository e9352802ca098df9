import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the first folder above this module with a package.json (from source or dist/). */
function findRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('cannot find the package root');
  }
}

export const repoRoot = findRoot();
export const benchConfigPath = join(repoRoot, 'bench', 'config', 'gateway.yaml');
export const resultsDir = join(repoRoot, 'bench', 'results');
/** The compiled servers (npm run bench compiles bench/ to dist/bench first). */
export const serversDir = join(repoRoot, 'dist', 'bench', 'servers');
