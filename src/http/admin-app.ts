import { Hono } from 'hono';
import { GatewayError } from '../problem/index.js';
import type { UpstreamSnapshot } from '../upstream/index.js';
import { problemResponse } from './problem-response.js';

/** What `GET /admin/upstreams` shows: each upstream's endpoints, breakers, bulkhead and retry budget. */
export interface UpstreamStateSource {
  snapshot(): Readonly<Record<string, UpstreamSnapshot>>;
}

export interface AdminAppOptions {
  readonly problemTypeBase: string;
  /** The upstreams whose state `GET /admin/upstreams` shows (absent: no such endpoint). */
  readonly upstreams?: UpstreamStateSource;
  /** Flags, shadow reports and route counters under /admin (absent in tools that only serve health). */
  readonly flagRoutes?: Hono;
}

/** The operators' API, on its own port so it never shares exposure with the domain API. */
export function createAdminApp(options: AdminAppOptions): Hono {
  const app = new Hono();
  app.get('/livez', (c) => c.json({ status: 'ok' }));
  const { upstreams } = options;
  if (upstreams) app.get('/admin/upstreams', (c) => c.json({ upstreams: upstreams.snapshot() }));
  if (options.flagRoutes) app.route('/admin', options.flagRoutes);
  app.notFound((c) =>
    problemResponse(GatewayError.of('not-found', `No admin endpoint ${c.req.method} ${new URL(c.req.url).pathname}.`), options.problemTypeBase, new URL(c.req.url).pathname),
  );
  return app;
}
