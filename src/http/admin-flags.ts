import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { GatewayError, isGatewayError } from '../problem/index.js';
import { flagSchema, isFlagChangeError, type FlagChangeError, type Strangler } from '../strangler/index.js';
import { requireAdminToken } from './admin-auth.js';
import { problemResponse } from './problem-response.js';
import { invalidRequest } from './route-handler.js';

export interface FlagRoutesOptions {
  readonly strangler: Strangler;
  readonly adminToken: string | undefined;
  readonly problemTypeBase: string;
}

const flagChangeBody = z
  .object({
    stage: flagSchema.shape.stage,
    percent: flagSchema.shape.percent,
    reason: z.string().trim().min(3, 'say why (reason), in a few words').max(500),
    actor: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

/**
 * The migration team's API: read and flip route flags (every flip is an event in the flag log),
 * read the log as of any time, and see how shadow comparison is going.
 */
export function createFlagRoutes(options: FlagRoutesOptions): Hono {
  const { strangler, problemTypeBase } = options;
  const flags = strangler.flags;
  const app = new Hono();
  const problem = (c: Context, error: GatewayError): Response => problemResponse(error, problemTypeBase, c);

  app.get('/flags', (c) => {
    const at = c.req.query('at');
    if (at === undefined) return c.json(flags.snapshot(), 200, { etag: `"${flags.version}"` });
    const time = z.iso.datetime({ offset: true }).safeParse(at);
    if (!time.success) return problem(c, GatewayError.of('invalid-request', 'at must be an ISO 8601 time with offset, e.g. 2026-11-29T12:00:00Z'));
    return c.json({ at, ...flags.snapshot(new Date(at)) });
  });

  app.get('/flags/history', (c) => {
    const route = c.req.query('route');
    return c.json({ version: flags.version, events: flags.history(route) });
  });

  app.put('/flags/:route', requireAdminToken(options.adminToken, problemTypeBase), async (c) => {
    const body = await c.req.json().catch(() => undefined);
    const parsed = flagChangeBody.safeParse(body);
    if (!parsed.success) return problem(c, invalidRequest(parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))));
    const flag = flagSchema.safeParse({ stage: parsed.data.stage, ...(parsed.data.percent === undefined ? {} : { percent: parsed.data.percent }) });
    if (!flag.success) return problem(c, GatewayError.of('invalid-request', flag.error.issues.map((issue) => issue.message).join('; ')));
    const ifMatch = parseIfMatch(c.req.header('if-match'));
    if (ifMatch === null) return problem(c, GatewayError.of('invalid-request', 'If-Match must be the flag log version, e.g. If-Match: "12"'));
    try {
      const result = await flags.change({
        route: c.req.param('route'),
        flag: flag.data,
        reason: parsed.data.reason,
        actor: parsed.data.actor ?? 'admin',
        ifVersion: ifMatch,
        dryRun: c.req.query('dryRun') === 'true',
      });
      const version = result.recorded ? result.event.seq : flags.version;
      return c.json({ recorded: result.recorded, event: result.event, flag: result.event.to, version }, 200, { etag: `"${version}"` });
    } catch (error) {
      if (isFlagChangeError(error)) return problem(c, toProblem(error));
      throw error;
    }
  });

  app.get('/shadow/:route', (c) => {
    const report = strangler.shadowReport(c.req.param('route'));
    if (!report) return problem(c, GatewayError.of('not-found', `No route ${c.req.param('route')}.`));
    return c.json({ route: c.req.param('route'), flag: flags.flagOf(c.req.param('route')), ...report });
  });

  app.get('/routes', (c) => {
    const counters = strangler.routeCounters();
    const routes = Object.fromEntries(Object.entries(counters).map(([id, counts]) => [id, { flag: flags.flagOf(id), ...counts }]));
    return c.json({ version: flags.version, routes });
  });

  app.onError((error, c) => problem(c, isGatewayError(error) ? error : GatewayError.of('internal-error', 'The admin API failed; the failure is logged.')));
  return app;
}

/** `"12"`, `12` or `W/"12"` -> 12; absent -> undefined; anything else -> null. */
function parseIfMatch(header: string | undefined): number | undefined | null {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  return match ? Number(match[1]) : null;
}

function toProblem(error: FlagChangeError): GatewayError {
  switch (error.kind) {
    case 'unknown-route':
      return GatewayError.of('not-found', error.message);
    case 'stale-version':
      return GatewayError.of('precondition-failed', error.message);
    case 'no-modern-target':
    case 'no-change':
      return GatewayError.of('conflict', error.message);
  }
}
