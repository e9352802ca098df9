import { Hono } from 'hono';
import { GatewayError } from '../problem/index.js';
import type { UpstreamSnapshot } from '../upstream/index.js';
import { defaultAdminPublicPaths } from '../config/index.js';
import { adminAccess, requireAdminToken } from './admin-auth.js';
import { problemResponse } from './problem-response.js';

/** What `GET /admin/upstreams` shows: each upstream's endpoints, breakers, bulkhead and retry budget. */
export interface UpstreamStateSource {
  snapshot(): Readonly<Record<string, UpstreamSnapshot>>;
}

/** What the gateway as a whole answers for: readiness, reloads, the loaded configuration. */
export interface GatewayControl {
  readiness(): { readonly ready: boolean; readonly reason?: string };
  reload(trigger: 'admin'): Promise<ReloadOutcome>;
  configInfo(): ConfigInfo;
}

export interface ReloadOutcome {
  readonly ok: boolean;
  /** The version serving after the attempt. */
  readonly version: number;
  /** Why a reload was refused, one line per problem (`file:path: message`). */
  readonly problems: readonly string[];
}

export interface ConfigInfo {
  readonly version: number;
  /** gateway.yaml, absolute. */
  readonly source: string;
  readonly loadedAt: string;
  readonly routes: number;
  readonly lastReload: { readonly at: string; readonly ok: boolean; readonly trigger: string; readonly problems: readonly string[] } | null;
  readonly reloadFailures: number;
}

export interface AdminAppOptions {
  readonly problemTypeBase: string;
  /** Readiness, reload and config info (absent in tools that only serve liveness). */
  readonly control?: GatewayControl;
  /** Bearer token for admin writes such as POST /admin/reload, and for every path but `publicPaths`. */
  readonly adminToken?: string;
  /** Paths answered without the token (gateway.yaml `admin.publicPaths`); default /livez, /readyz, /metrics. */
  readonly publicPaths?: readonly string[];
  /** The upstreams whose state `GET /admin/upstreams` shows (absent: no such endpoint). */
  readonly upstreams?: UpstreamStateSource;
  /** Flags, shadow reports and route counters under /admin (absent in tools that only serve health). */
  readonly flagRoutes?: Hono;
  /** `GET /metrics`, Prometheus text, never behind the admin token (absent: no such endpoint). */
  readonly metrics?: MetricsSource;
}

/** The gateway's metrics in Prometheus text exposition format. */
export interface MetricsSource {
  readonly contentType: string;
  render(): Promise<string>;
}

/** The operators' API, on its own port so it never shares exposure with the domain API. */
export function createAdminApp(options: AdminAppOptions): Hono {
  const app = new Hono();
  app.use(adminAccess({ token: options.adminToken, publicPaths: options.publicPaths ?? defaultAdminPublicPaths, problemTypeBase: options.problemTypeBase }));
  app.get('/livez', (c) => c.json({ status: 'ok' }));
  const { metrics } = options;
  if (metrics) app.get('/metrics', async (c) => c.body(await metrics.render(), 200, { 'content-type': metrics.contentType }));
  const { upstreams, control } = options;
  if (control) addControlRoutes(app, control, options);
  if (upstreams) app.get('/admin/upstreams', (c) => c.json({ upstreams: upstreams.snapshot() }));
  if (options.flagRoutes) app.route('/admin', options.flagRoutes);
  app.notFound((c) => problemResponse(GatewayError.of('not-found', `No admin endpoint ${c.req.method} ${new URL(c.req.url).pathname}.`), options.problemTypeBase, c));
  return app;
}

function addControlRoutes(app: Hono, control: GatewayControl, options: AdminAppOptions): void {
  // Ready while configured and serving; one degraded upstream is reported, never fatal.
  app.get('/readyz', (c) => {
    const { ready, reason } = control.readiness();
    const upstreamHealth = options.upstreams ? summarizeUpstreams(options.upstreams.snapshot()) : {};
    const body = { status: ready ? 'ready' : 'not-ready', reason, config: { version: control.configInfo().version }, upstreams: upstreamHealth };
    return c.json(body, ready ? 200 : 503);
  });
  app.get('/admin/config', (c) => c.json(control.configInfo()));
  app.post('/admin/reload', requireAdminToken(options.adminToken, options.problemTypeBase), async (c) => {
    const outcome = await control.reload('admin');
    if (outcome.ok) return c.json(outcome);
    const detail = `The new configuration was refused; version ${outcome.version} keeps serving. ${outcome.problems.join('; ')}`;
    return problemResponse(GatewayError.of('invalid-configuration', detail, { extensions: { problems: outcome.problems } }), options.problemTypeBase, c);
  });
}

/** Per upstream: how many endpoints take traffic, and the breakers' states. */
function summarizeUpstreams(snapshots: Readonly<Record<string, UpstreamSnapshot>>): Record<string, { status: string; endpoints: number; available: number; breakers: string[] }> {
  return Object.fromEntries(
    Object.entries(snapshots).map(([name, snapshot]) => {
      const available = snapshot.endpoints.filter((endpoint) => endpoint.healthy && !endpoint.ejected).length;
      const breakers = Object.values(snapshot.breakers ?? {}).map((breaker) => breaker.state);
      const degraded = available < snapshot.endpoints.length || breakers.some((state) => state !== 'closed');
      return [name, { status: available === 0 ? 'down' : degraded ? 'degraded' : 'up', endpoints: snapshot.endpoints.length, available, breakers }];
    }),
  );
}
