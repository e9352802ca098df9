import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Summarizes a `--cpu-prof` profile: self time by area (our folders, each dependency, Node
 * internals, GC) and the hottest functions. `npm run bench -- --profile` writes one profile per
 * workload of the Ficus process to bench/results/profiles/.
 *
 * @example
 * node dist/bench/profile-summary.js bench/results/profiles/ficus-canned-large.cpuprofile --top 25
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, as a reader of the README would name it. */
function areaOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)' || name === '(program)') return name;
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1]!;
  const ours = /\/(?:dist\/)?(src|bench|legacy-stubs)\/([^/]+)\//.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:') || url === '') return 'node internals';
  return basename(url);
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '20' } } });
for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const area = areaOf(url, functionName);
    if (area === '(idle)') continue;
    busy += us;
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${url ? `${basename(url)}:${lineNumber + 1}` : ''} [${area}]`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const percent = (us: number): string => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  console.log(`\n${file}: ${(busy / 1e6).toFixed(2)} s busy (idle excluded)\n\nself time by area:`);
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1])) console.log(`  ${percent(us)}  ${area}`);
  console.log('\nhottest functions (self time):');
  for (const [key, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`  ${percent(us)}  ${key}`);
}
