import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
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
    const instance = new URL(c.req.url).pathname;
    if (!expected) {
      return problemResponse(
        GatewayError.of('unauthorized', 'Admin writes are disabled: start Ficus with FICUS_ADMIN_TOKEN set, then send Authorization: Bearer <token>.'),
        problemTypeBase,
        instance,
        { 'www-authenticate': 'Bearer' },
      );
    }
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      return problemResponse(GatewayError.of('unauthorized', 'Send Authorization: Bearer <FICUS_ADMIN_TOKEN>.'), problemTypeBase, instance, {
        'www-authenticate': 'Bearer',
      });
    }
    await next();
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
