import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node flags the container starts Ficus with: what the Dockerfile's CMD puts between `node`
 * and `bin/ficus.js`. The benchmark starts its Ficus contenders with them, so that it measures
 * the gateway as it is deployed.
 */
export function containerNodeFlags(root: string): string[] {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const command = /^CMD (\[.*\])\s*$/m.exec(dockerfile.split('\n').filter((line) => line.startsWith('CMD ')).at(-1) ?? '');
  const words = command ? (JSON.parse(command[1]!) as unknown[]) : [];
  const script = words.indexOf('bin/ficus.js');
  if (words[0] !== 'node' || script === -1) throw new Error(`the Dockerfile's last CMD does not run node bin/ficus.js: ${command?.[1] ?? 'none'}`);
  return words.slice(1, script).map(String);
}
