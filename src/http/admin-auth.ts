import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { isLoopbackHost } from '../config/index.js';
import { GatewayError } from '../problem/index.js';
import { problemResponse } from './problem-response.js';

/**
 * Bearer-token check for admin endpoints. Both sides are hashed first so the comparison takes the
 * same time whatever the length or content of what was sent.
 */
export function requireAdminToken(token: string | undefined, problemTypeBase: string): MiddlewareHandler {
  const expected = token ? digest(token) : undefined;
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!expected) {
      return problemResponse(
        GatewayError.of('unauthorized', 'Admin writes are disabled: start Ficus with FICUS_ADMIN_TOKEN set, then send Authorization: Bearer <token>.'),
        problemTypeBase,
        c,
        { 'www-authenticate': 'Bearer' },
      );
    }
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      return problemResponse(GatewayError.of('unauthorized', 'Send Authorization: Bearer <FICUS_ADMIN_TOKEN>.'), problemTypeBase, c, {
        'www-authenticate': 'Bearer',
      });
    }
    await next();
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export interface AdminAccessOptions {
  /** FICUS_ADMIN_TOKEN; without it the admin API may only listen on loopback (see {@link assertAdminExposure}). */
  readonly token: string | undefined;
  /** Paths answered without the token, exactly as written (`/livez`, `/readyz`, `/metrics`). */
  readonly publicPaths: readonly string[];
  readonly problemTypeBase: string;
}

/**
 * The admin API's front door: with a token configured, every path but the public ones needs
 * `Authorization: Bearer <token>` (a path that only resembles a public one needs it too). Without
 * a token the API is on loopback only: reads are open to the machine, writes stay refused by
 * {@link requireAdminToken}.
 *
 * @example
 * app.use(adminAccess({ token: process.env.FICUS_ADMIN_TOKEN, publicPaths: ['/livez', '/readyz', '/metrics'], problemTypeBase }));
 */
export function adminAccess(options: AdminAccessOptions): MiddlewareHandler {
  if (!options.token) return (_c, next) => next();
  const publicPaths = new Set(options.publicPaths);
  const check = requireAdminToken(options.token, options.problemTypeBase);
  return function adminGate(c, next) {
    return publicPaths.has(c.req.path) ? next() : check(c, next);
  };
}

export class AdminExposureError extends Error {
  constructor(host: string) {
    super(
      `refusing to start the admin API on ${host} without a token: anyone who reaches it could read upstream state and flags. ` +
        'Set FICUS_ADMIN_TOKEN to a long random secret (e.g. `openssl rand -hex 32`), or keep the admin API on loopback (ADMIN_HOST=127.0.0.1).',
    );
    this.name = 'AdminExposureError';
  }
}

/** Throws {@link AdminExposureError} when the admin API would listen beyond loopback without a token. */
export function assertAdminExposure(host: string, token: string | undefined): void {
  if (!token && !isLoopbackHost(host)) throw new AdminExposureError(host);
}
