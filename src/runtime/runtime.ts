import { createAdminApp, createDomainApp, createFlagRoutes, type GatewayControl, type RouteDependencies } from '../http/index.js';
import { Strangler, type FlagService } from '../strangler/index.js';
import type { Send } from '../targets/index.js';
import { forRequestLines, withRedaction, type GatewayMetrics, type Logger, type Tracing } from '../telemetry/index.js';
import { credentialStamp, UpstreamRegistry, upstreamEventLevel } from '../upstream/index.js';
import type { PreparedConfig } from './prepare-config.js';

/** What outlives a reload: the process's logger, the flag log, secrets and the gateway's controls. */
export interface SharedServices {
  readonly logger: Logger;
  readonly flags: FlagService;
  readonly adminToken: string | undefined;
  readonly overrideSecret: string | undefined;
  readonly control: GatewayControl;
  /** Metrics (GET /metrics) and tracing, for the life of the process. */
  readonly telemetry: { readonly metrics: GatewayMetrics; readonly tracing: Tracing };
}

type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/**
 * One compiled configuration, ready to serve: its routes, upstreams, strangler and HTTP apps.
 * A reload builds a new runtime and swaps it in; requests already inside the old one finish
 * there, and the old one is retired once they have.
 */
export class Runtime {
  readonly upstreams: UpstreamRegistry;
  readonly strangler: Strangler;
  readonly loadedAt = new Date();
  private readonly domainApp: { fetch: Fetch };
  private readonly adminApp: { fetch: Fetch };
  private inFlight = 0;
  private retired = false;

  constructor(
    readonly version: number,
    readonly config: PreparedConfig,
    shared: SharedServices,
    previous?: Runtime,
  ) {
    const { gateway } = config.loaded;
    // Request lines and the strangler's never show the configured input fields (personal data).
    const logger = withRedaction(shared.logger, gateway.telemetry.redact);
    this.upstreams = previous && sameUpstreams(previous.config, config) ? previous.upstreams : this.openUpstreams(shared.logger);
    this.strangler = new Strangler({
      flags: shared.flags,
      routes: config.mappings.routes,
      shadow: gateway.shadow,
      overrideSecret: shared.overrideSecret,
      logger,
    });
    const upstreams = this.upstreams;
    const sendThrough = (name: string): Send => {
      const upstream = upstreams.get(name);
      return (request, signal) => upstream.call(request, signal);
    };
    // Made once per upstream here, not per call; any other name fails as the registry does.
    const sends = new Map(Object.keys(gateway.upstreams).map((name) => [name, sendThrough(name)]));
    const dependencies: RouteDependencies = {
      strangler: this.strangler,
      sendTo: (name) => sends.get(name) ?? sendThrough(name),
      limits: config.xmlLimits,
    };
    this.domainApp = createDomainApp({
      routes: config.mappings.routes,
      dependencies,
      problemTypeBase: gateway.problemTypeBase,
      maxRequestBodyBytes: gateway.limits.maxRequestBodyBytes,
      maxJsonDepth: gateway.limits.maxJsonDepth,
      rateLimit: gateway.limits.rateLimit,
      logger,
      telemetry: { ...shared.telemetry, lineLogger: forRequestLines(shared.logger, gateway.telemetry.redact) },
    });
    this.adminApp = createAdminApp({
      problemTypeBase: gateway.problemTypeBase,
      upstreams,
      control: shared.control,
      adminToken: shared.adminToken,
      publicPaths: gateway.admin.publicPaths,
      metrics: shared.telemetry.metrics,
      flagRoutes: createFlagRoutes({ strangler: this.strangler, adminToken: shared.adminToken, problemTypeBase: gateway.problemTypeBase }),
    });
  }

  /** Serves one domain request, counted so a retired runtime knows when it is idle. */
  readonly fetchDomain = async (request: Request, env?: unknown): Promise<Response> => {
    this.inFlight++;
    try {
      return await this.domainApp.fetch(request, env);
    } finally {
      this.inFlight--;
    }
  };

  readonly fetchAdmin = async (request: Request, env?: unknown): Promise<Response> => this.adminApp.fetch(request, env);

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /**
   * Stops this runtime after `successor` took over: waits (up to `drainMs`) for its requests in
   * flight, then closes its upstreams unless the successor kept them.
   */
  async retire(successor: Runtime | undefined, drainMs: number): Promise<void> {
    if (this.retired) return;
    this.retired = true;
    this.strangler.close();
    await waitUntil(() => this.inFlight === 0, drainMs);
    if (successor?.upstreams !== this.upstreams) await this.upstreams.close();
  }

  private openUpstreams(logger: Logger): UpstreamRegistry {
    const { gateway } = this.config.loaded;
    const registry = new UpstreamRegistry(gateway.upstreams, gateway.limits);
    registry.onEvent((event) => logger[upstreamEventLevel(event)](event, `upstream ${event.kind}`));
    return registry;
  }
}

/** Upstreams keep their pools, breakers and health across a reload that did not change them. */
function sameUpstreams(a: PreparedConfig, b: PreparedConfig): boolean {
  // Secrets print as [redacted]: their stamps (and those of rotated key and certificate files) tell a change.
  const key = (config: PreparedConfig) => {
    const { upstreams, limits } = config.loaded.gateway;
    return JSON.stringify([upstreams, limits, Object.values(upstreams).map(credentialStamp)]);
  };
  return key(a) === key(b);
}

export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
