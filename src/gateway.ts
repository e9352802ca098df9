import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig, type ConfigIssue, type LoadedConfig, type LoadOptions } from './config/index.js';
import { createAdminApp, createDomainApp, createFlagRoutes, type RouteDependencies } from './http/index.js';
import { FileFlagStore, FlagService, MemoryFlagStore, Strangler, type FlagStore } from './strangler/index.js';
import { compileMappings, type CompiledMappings } from './mapping/index.js';
import { loadWsdl, type WsdlContract, type XmlLimits } from './soap/index.js';
import { createLogger, type Logger } from './telemetry/index.js';
import { UpstreamRegistry, upstreamEventLevel } from './upstream/index.js';

/**
 * The composition root: config -> WSDLs -> compiled mappings -> upstreams -> HTTP listeners.
 */

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
  let mappings: CompiledMappings | undefined;
  try {
    const withoutContract = new Set(
      Object.entries(loaded.gateway.upstreams)
        .filter(([name, upstream]) => upstream.wsdl !== undefined && !contracts.has(name))
        .map(([name]) => name),
    );
    mappings = compileMappings(loaded.mappingSources, { contracts, withoutContract, upstreams: new Set(Object.keys(loaded.gateway.upstreams)) });
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

export interface GatewayOptions extends LoadOptions {
  readonly configPath: string;
  readonly port?: number;
  readonly host?: string;
  readonly adminPort?: number;
  readonly adminHost?: string;
  readonly logger?: Logger;
  /** Bearer token for admin writes (FICUS_ADMIN_TOKEN); without it, writes are refused. */
  readonly adminToken?: string;
  /** Key of signed Ficus-Override headers (FICUS_OVERRIDE_SECRET); without it, overrides are refused. */
  readonly overrideSecret?: string;
  /** Replaces gateway.yaml's `flags.log` (a file, or `memory`). */
  readonly flagLog?: string;
}

export interface RunningGateway {
  readonly domainUrl: string;
  readonly adminUrl: string;
  readonly config: PreparedConfig;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger();
  const config = await prepareConfig(options.configPath, options);
  const { gateway } = config.loaded;
  const upstreams = new UpstreamRegistry(gateway.upstreams, gateway.limits);
  upstreams.onEvent((event) => logger[upstreamEventLevel(event)](event, `upstream ${event.kind}`));
  const strangler = await openStrangler(config, options, logger);
  const dependencies: RouteDependencies = {
    strangler,
    sendTo: (name) => {
      const upstream = upstreams.get(name);
      return (request, signal) => upstream.call(request, signal);
    },
    limits: config.xmlLimits,
  };
  const domainApp = createDomainApp({
    routes: config.mappings.routes,
    dependencies,
    problemTypeBase: gateway.problemTypeBase,
    maxRequestBodyBytes: gateway.limits.maxRequestBodyBytes,
    logger,
  });
  const adminApp = createAdminApp({
    problemTypeBase: gateway.problemTypeBase,
    upstreams,
    flagRoutes: createFlagRoutes({ strangler, adminToken: options.adminToken, problemTypeBase: gateway.problemTypeBase }),
  });
  const domain = await listen(domainApp, options.host ?? '0.0.0.0', options.port ?? 8080);
  let admin: Server;
  try {
    admin = await listen(adminApp, options.adminHost ?? '127.0.0.1', options.adminPort ?? 9090);
  } catch (error) {
    await closeServer(domain);
    await upstreams.close();
    await strangler.flags.close();
    throw error;
  }
  const domainUrl = urlOf(domain);
  const adminUrl = urlOf(admin);
  logger.info({ domainUrl, adminUrl, routes: config.mappings.routes.length }, 'ficus is listening');
  return {
    domainUrl,
    adminUrl,
    config,
    close: async () => {
      await Promise.all([closeServer(domain), closeServer(admin)]);
      await upstreams.close();
      await strangler.flags.close();
    },
  };
}

/** The flag log (file or memory) folded into the routing table, and the strangler that uses it. */
async function openStrangler(config: PreparedConfig, options: GatewayOptions, logger: Logger): Promise<Strangler> {
  const { gateway } = config.loaded;
  const log = options.flagLog ?? gateway.flags.log;
  const store: FlagStore = log === 'memory' ? new MemoryFlagStore() : new FileFlagStore(config.loaded.resolvePath(log));
  const routes = config.mappings.routes.map((route) => ({ id: route.id, hasModern: route.modern !== undefined }));
  const { service, warnings } = await FlagService.open(store, routes);
  for (const warning of warnings) logger.warn(warning);
  return new Strangler({ flags: service, routes: config.mappings.routes, shadow: gateway.shadow, overrideSecret: options.overrideSecret, logger });
}

function listen(app: { fetch: (request: Request) => Response | Promise<Response> }, hostname: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }) as Server;
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function urlOf(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
