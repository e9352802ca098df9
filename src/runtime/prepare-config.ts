import { ConfigError, loadConfig, type ConfigIssue, type LoadedConfig, type LoadOptions } from '../config/index.js';
import { runExamples } from '../examples/index.js';
import { compileMappings, transformRegistry, type CompiledMappings } from '../mapping/index.js';
import { loadWsdl, type WsdlContract, type XmlLimits } from '../soap/index.js';

export interface PreparedConfig {
  readonly loaded: LoadedConfig;
  readonly contracts: ReadonlyMap<string, WsdlContract>;
  readonly mappings: CompiledMappings;
  readonly xmlLimits: XmlLimits;
}

/** Loads, checks and compiles everything, or throws one ConfigError listing every problem. */
export async function prepareConfig(configPath: string, options: LoadOptions = {}): Promise<PreparedConfig> {
  const loaded = await loadConfig(configPath, options);
  const contracts = new Map<string, WsdlContract>();
  const issues: ConfigIssue[] = [];
  for (const [name, upstream] of Object.entries(loaded.gateway.upstreams)) {
    if (upstream.wsdl === undefined) continue;
    try {
      contracts.set(name, await loadWsdl(loaded.resolvePath(upstream.wsdl)));
    } catch (error) {
      issues.push({ file: relativeConfigName(loaded), path: `upstreams.${name}.wsdl`, message: (error as Error).message });
    }
  }
  const modules = Object.fromEntries(Object.entries(loaded.gateway.transforms).map(([name, file]) => [name, loaded.resolvePath(file)]));
  const transforms = await transformRegistry(modules, (name, message) =>
    issues.push({ file: relativeConfigName(loaded), path: `transforms.${name}`, message }),
  );
  let mappings: CompiledMappings | undefined;
  try {
    const withoutContract = new Set(
      Object.entries(loaded.gateway.upstreams)
        .filter(([name, upstream]) => upstream.wsdl !== undefined && !contracts.has(name))
        .map(([name]) => name),
    );
    mappings = compileMappings(loaded.mappingSources, { contracts, withoutContract, upstreams: new Set(Object.keys(loaded.gateway.upstreams)), transforms });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
  }
  if (issues.length > 0 || !mappings) throw new ConfigError(issues);
  const { maxReplyBytes, maxReplyDepth } = loaded.gateway.limits;
  return { loaded, contracts, mappings, xmlLimits: { maxBytes: maxReplyBytes, maxDepth: maxReplyDepth } };
}

function relativeConfigName(loaded: LoadedConfig): string {
  const cwd = process.cwd() + '/';
  return loaded.configFile.startsWith(cwd) ? loaded.configFile.slice(cwd.length) : loaded.configFile;
}

/**
 * Runs every mapping example of a prepared configuration; a configuration whose examples fail is
 * not served (at start or on reload). Returns one issue per failure, none when all pass.
 */
export async function exampleFailures(config: PreparedConfig): Promise<ConfigIssue[]> {
  const results = await runExamples(config.mappings.routes, { limits: config.xmlLimits, problemTypeBase: config.loaded.gateway.problemTypeBase });
  return results.flatMap(({ example, failures }) =>
    failures.map((failure) => ({ file: example.file, path: example.path, message: `example "${example.name}": ${failure}` })),
  );
}
