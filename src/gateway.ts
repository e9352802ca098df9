import type { Server, ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ConfigError, formatIssue, isConfigError, type LoadOptions } from './config/index.js';
import { answerClientErrors, assertAdminExposure, edgeServerOptions, type ConfigInfo, type GatewayControl, type ReloadOutcome } from './http/index.js';
import { ConfigWatcher } from './runtime/config-watcher.js';
import { exampleFailures, prepareConfig, type PreparedConfig } from './runtime/prepare-config.js';
import { Runtime, waitUntil, type SharedServices } from './runtime/runtime.js';
import { retainXmlWorkers } from './soap/index.js';
import { FileFlagStore, FlagService, MemoryFlagStore, type FlaggedRoute, type FlagStore } from './strangler/index.js';
import { createLogger, createTracing, GatewayMetrics, type Logger } from './telemetry/index.js';

/**
 * The composition root and the gateway's lifecycle: load and check the configuration, serve it,
 * swap in a new one on reload (watch, SIGHUP, POST /admin/reload), and shut down gracefully.
 */
export { exampleFailures, prepareConfig, type PreparedConfig } from './runtime/prepare-config.js';

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
  /** Replaces gateway.yaml's `reload.watch`. */
  readonly watch?: boolean;
}

export interface RunningGateway {
  readonly domainUrl: string;
  readonly adminUrl: string;
  /** The configuration serving now. */
  readonly config: PreparedConfig;
  reload(trigger: 'admin' | 'signal' | 'watch'): Promise<ReloadOutcome>;
  /** Readiness fails, listeners close, requests in flight finish (up to shutdown.drainMs), the flag log is flushed. */
  shutdown(): Promise<void>;
  /** Stops at once, without waiting for requests in flight (tests, failed starts). */
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger();
  // Before anything else: never an admin API beyond loopback without a token.
  assertAdminExposure(options.adminHost ?? '127.0.0.1', options.adminToken);
  const config = await prepareConfig(options.configPath, options);
  const failures = await exampleFailures(config);
  if (failures.length > 0) throw new ConfigError(failures);
  const flags = await openFlags(config, options, logger);
  // Tracing is set up once per process: a changed telemetry.otlp takes effect on restart.
  const telemetry = { metrics: new GatewayMetrics(), tracing: await createTracing(config.loaded.gateway.telemetry.otlp, options.env ?? process.env) };
  const gateway = new Gateway(options, logger, flags, config, telemetry);
  await gateway.listen();
  return gateway;
}

class Gateway implements RunningGateway, GatewayControl {
  private current: Runtime;
  private readonly shared: SharedServices;
  private domain: Server | undefined;
  private admin: Server | undefined;
  private watcher: ConfigWatcher | undefined;
  private reloads: Promise<unknown> = Promise.resolve();
  private lastReload: ConfigInfo['lastReload'] = null;
  private reloadFailures = 0;
  private stopping: Promise<void> | undefined;
  /** The threads that parse large replies: stopped with the last gateway of the process. */
  private readonly releaseXmlWorkers = retainXmlWorkers();

  constructor(
    private readonly options: GatewayOptions,
    private readonly logger: Logger,
    private readonly flags: FlagService,
    config: PreparedConfig,
    telemetry: SharedServices['telemetry'],
  ) {
    this.shared = { logger, flags, adminToken: options.adminToken, overrideSecret: options.overrideSecret, control: this, telemetry };
    this.current = new Runtime(1, config, this.shared);
    telemetry.metrics.bind(this.current);
    telemetry.metrics.configLoaded(this.current.version, this.current.loadedAt);
  }

  get config(): PreparedConfig {
    return this.current.config;
  }

  get domainUrl(): string {
    return urlOf(this.domain!);
  }

  get adminUrl(): string {
    return urlOf(this.admin!);
  }

  async listen(): Promise<void> {
    const draining = (): boolean => this.stopping !== undefined;
    try {
      // Header size and slow-client limits live on the server: a change takes effect on restart.
      const { limits, problemTypeBase } = this.config.loaded.gateway;
      this.domain = await listen((request, env) => this.current.fetchDomain(request, env).then((response) => closingWhen(draining(), response)), this.options.host ?? '0.0.0.0', this.options.port ?? 8080, edgeServerOptions(limits));
      answerClientErrors(this.domain, problemTypeBase);
      this.admin = await listen((request, env) => this.current.fetchAdmin(request, env), this.options.adminHost ?? '127.0.0.1', this.options.adminPort ?? 9090);
    } catch (error) {
      await this.close();
      throw error;
    }
    const { gateway, configFile } = this.config.loaded;
    if (this.options.watch ?? gateway.reload.watch) {
      this.watcher = new ConfigWatcher(configFile, this.config.loaded.resolvePath(gateway.mappings), gateway.reload.debounceMs, () => void this.reload('watch'));
    }
    this.logger.info({ domainUrl: this.domainUrl, adminUrl: this.adminUrl, routes: this.config.mappings.routes.length, version: this.current.version }, 'ficus is listening');
  }

  readiness(): { ready: boolean; reason?: string } {
    if (this.stopping) return { ready: false, reason: 'shutting down' };
    if (!this.domain?.listening) return { ready: false, reason: 'not listening' };
    return { ready: true };
  }

  configInfo(): ConfigInfo {
    return {
      version: this.current.version,
      source: this.config.loaded.configFile,
      loadedAt: this.current.loadedAt.toISOString(),
      routes: this.config.mappings.routes.length,
      lastReload: this.lastReload,
      reloadFailures: this.reloadFailures,
    };
  }

  /** One reload at a time; each sees the configuration the previous one left. */
  reload(trigger: 'admin' | 'signal' | 'watch'): Promise<ReloadOutcome> {
    const next = this.reloads.then(() => this.reloadNow(trigger));
    this.reloads = next.catch(() => undefined);
    return next;
  }

  private async reloadNow(trigger: string): Promise<ReloadOutcome> {
    if (this.stopping) return { ok: false, version: this.current.version, problems: ['the gateway is shutting down'] };
    const checked = await this.check();
    if (!Array.isArray(checked)) {
      const config = checked;
      const previous = this.current;
      const next = new Runtime(previous.version + 1, config, this.shared, previous);
      for (const warning of this.flags.useRoutes(flaggedRoutes(config))) {
        this.logger.warn(warning);
      }
      this.current = next;
      this.shared.telemetry.metrics.bind(next);
      this.shared.telemetry.metrics.configLoaded(next.version, next.loadedAt);
      this.lastReload = { at: new Date().toISOString(), ok: true, trigger, problems: [] };
      this.logger.info({ version: next.version, trigger, routes: config.mappings.routes.length }, 'configuration reloaded');
      void previous.retire(next, config.loaded.gateway.shutdown.drainMs);
      return { ok: true, version: next.version, problems: [] };
    }
    const problems = checked;
    this.reloadFailures++;
    this.shared.telemetry.metrics.reloadFailed();
    this.lastReload = { at: new Date().toISOString(), ok: false, trigger, problems };
    this.logger.error({ trigger, problems, version: this.current.version }, 'configuration refused; the previous one keeps serving');
    return { ok: false, version: this.current.version, problems };
  }

  /** The new configuration, or why it must not be served. */
  private async check(): Promise<PreparedConfig | string[]> {
    try {
      const config = await prepareConfig(this.options.configPath, this.options);
      const failures = await exampleFailures(config);
      return failures.length > 0 ? failures.map(formatIssue) : config;
    } catch (error) {
      if (isConfigError(error)) return error.issues.map(formatIssue);
      return [`${(error as Error).name}: ${(error as Error).message}`];
    }
  }

  shutdown(): Promise<void> {
    this.stopping ??= this.drainAndStop(this.config.loaded.gateway.shutdown);
    return this.stopping;
  }

  close(): Promise<void> {
    this.stopping ??= this.drainAndStop({ readinessDelayMs: 0, drainMs: 0 });
    return this.stopping;
  }

  private async drainAndStop({ readinessDelayMs, drainMs }: { readinessDelayMs: number; drainMs: number }): Promise<void> {
    this.watcher?.close();
    this.logger.info({ readinessDelayMs, drainMs }, 'shutting down: readiness fails now');
    if (readinessDelayMs > 0) await sleep(readinessDelayMs);
    const runtime = this.current;
    const closed = this.domain ? stopListening(this.domain) : Promise.resolve();
    const drained = await waitUntil(() => runtime.requestsInFlight === 0, drainMs);
    if (!drained) this.logger.warn({ inFlight: runtime.requestsInFlight }, 'drain deadline passed; closing the remaining connections');
    this.domain?.closeAllConnections();
    await closed;
    if (this.admin) {
      const adminClosed = stopListening(this.admin);
      this.admin.closeAllConnections();
      await adminClosed;
    }
    await runtime.retire(undefined, 0);
    await this.releaseXmlWorkers();
    await this.flags.close();
    await this.shared.telemetry.tracing.shutdown();
    this.logger.info({ drained }, 'stopped');
  }
}

/** The flag log outlives reloads: it is opened once per process. */
async function openFlags(config: PreparedConfig, options: GatewayOptions, logger: Logger): Promise<FlagService> {
  const log = options.flagLog ?? config.loaded.gateway.flags.log;
  const store: FlagStore = log === 'memory' ? new MemoryFlagStore() : new FileFlagStore(config.loaded.resolvePath(log));
  const { service, warnings } = await FlagService.open(store, flaggedRoutes(config));
  for (const warning of warnings) logger.warn(warning);
  return service;
}

/** The routes as the flag log knows them. */
function flaggedRoutes(config: PreparedConfig): FlaggedRoute[] {
  return config.mappings.routes.map((route) => ({ id: route.id, hasModern: route.modern !== undefined }));
}

/** While draining, every answer closes its connection, so keep-alive clients move elsewhere. */
function closingWhen(draining: boolean, response: Response): Response {
  if (draining) response.headers.set('connection', 'close');
  return response;
}

type Fetch = (request: Request, env?: unknown) => Promise<Response>;

function listen(fetch: Fetch, hostname: string, port: number, serverOptions?: ServerOptions): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port, serverOptions }) as Server;
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function urlOf(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
}

/** Refuses new connections now; resolves when the last one has closed. Idle keep-alive ones go at once. */
function stopListening(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearInterval(idle);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
