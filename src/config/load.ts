import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { MappingSource } from '../mapping/index.js';
import { ConfigError, IssueCollector, type ConfigIssue } from './diagnostics.js';
import { interpolateTree } from './env-interpolation.js';
import { gatewayConfigSchema, type GatewayConfig } from './gateway-config.js';
import { plainTextSecrets, resolveSecurityFiles } from './security-config.js';

/** gateway.yaml and the mapping files it points to, read and checked for shape. */
export interface LoadedConfig {
  /** Absolute path of gateway.yaml. */
  readonly configFile: string;
  readonly gateway: GatewayConfig;
  readonly mappingSources: readonly MappingSource[];
  /** Resolves a path written in gateway.yaml (WSDLs, the mappings folder). */
  resolvePath(path: string): string;
}

export interface LoadOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Replace the endpoints of named upstreams (the demo's stubs and tests run on chosen ports). */
  readonly endpoints?: Readonly<Record<string, readonly string[]>>;
}

export async function loadConfig(configPath: string, options: LoadOptions = {}): Promise<LoadedConfig> {
  const configFile = resolve(configPath);
  const baseDir = dirname(configFile);
  const display = displayName(configFile);
  const text = await readText(configFile, display);
  const collector = new IssueCollector(display);
  const tree = parseYaml(text, collector);
  // Before interpolation: a credential must be a ${VAR} reference, never plain text.
  for (const issue of plainTextSecrets(tree)) collector.add(issue.path, issue.message);
  const raw = interpolateTree(tree, options.env ?? process.env, (path, message) => collector.add(path, message));
  const parsed = gatewayConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) collector.addZod('', parsed.error);
  if (collector.issues.length > 0 || !parsed.success) throw new ConfigError(collector.issues);
  const resolvePath = (path: string): string => (isAbsolute(path) ? path : join(baseDir, path));
  const gateway = withSecurityFiles(withEndpoints(parsed.data, options.endpoints), resolvePath, collector);
  const mappingSources = await readMappingSources(resolvePath(gateway.mappings));
  return { configFile, gateway, mappingSources, resolvePath };
}

function withEndpoints(config: GatewayConfig, endpoints: LoadOptions['endpoints']): GatewayConfig {
  if (!endpoints) return config;
  const upstreams = { ...config.upstreams };
  for (const [name, urls] of Object.entries(endpoints)) {
    const upstream = upstreams[name];
    if (upstream) upstreams[name] = { ...upstream, endpoints: [...urls] };
  }
  return { ...config, upstreams };
}

/** Secret, key and certificate files of `security` and `tls`, made absolute and checked for access. */
function withSecurityFiles(config: GatewayConfig, resolvePath: (path: string) => string, collector: IssueCollector): GatewayConfig {
  const upstreams = Object.fromEntries(
    Object.entries(config.upstreams).map(([name, upstream]) => [name, resolveSecurityFiles(name, upstream, resolvePath, (path, message) => collector.add(path, message))]),
  );
  if (collector.issues.length > 0) throw new ConfigError(collector.issues);
  return { ...config, upstreams };
}

async function readMappingSources(folder: string): Promise<MappingSource[]> {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch (error) {
    throw new ConfigError([{ file: displayName(folder), path: '', message: `cannot read the mappings folder: ${(error as Error).message}` }]);
  }
  const issues: ConfigIssue[] = [];
  const sources: MappingSource[] = [];
  for (const name of names) {
    const file = join(folder, name);
    const display = displayName(file);
    const collector = new IssueCollector(display);
    const data = parseYaml(await readText(file, display), collector);
    issues.push(...collector.issues);
    sources.push({
      file: display,
      data,
      readRelative: (path) => readFileSync(isAbsolute(path) ? path : join(folder, path), 'utf8'),
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  if (sources.length === 0) throw new ConfigError([{ file: displayName(folder), path: '', message: 'no mapping files (*.yaml) found' }]);
  return sources;
}

function parseYaml(text: string, collector: IssueCollector): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  for (const error of document.errors) {
    const { line } = lineCounter.linePos(error.pos[0]);
    collector.add(`line ${line}`, error.message);
  }
  return document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: 100 });
}

async function readText(file: string, display: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError([{ file: display, path: '', message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
}

/** Paths in messages are relative to the working directory when that is shorter. */
function displayName(file: string): string {
  const relativePath = relative(process.cwd(), file);
  return relativePath.startsWith('..') ? file : relativePath;
}
