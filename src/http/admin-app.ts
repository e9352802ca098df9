import { Hono } from 'hono';
import { GatewayError } from '../problem/index.js';
import { problemResponse } from './problem-response.js';

export interface AdminAppOptions {
  readonly problemTypeBase: string;
}

/** The operators' API, on its own port so it never shares exposure with the domain API. */
export function createAdminApp(options: AdminAppOptions): Hono {
  const app = new Hono();
  app.get('/livez', (c) => c.json({ status: 'ok' }));
  app.notFound((c) =>
    problemResponse(GatewayError.of('not-found', `No admin endpoint ${c.req.method} ${new URL(c.req.url).pathname}.`), options.problemTypeBase, new URL(c.req.url).pathname),
  );
  return app;
}
