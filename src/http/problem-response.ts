import type { Context } from 'hono';
import { GatewayError, problemContentType, toProblemDocument } from '../problem/index.js';

/**
 * A GatewayError as the answer to the request of `c`: problem+json whose `instance` is the
 * request's path as sent, plus Retry-After where the problem says.
 */
export function problemResponse(error: GatewayError, typeBase: string, c: Context, headers: Record<string, string | undefined> = {}): Response {
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(headers)) if (value) responseHeaders.set(name, value);
  responseHeaders.set('content-type', problemContentType);
  if (error.retryAfterSeconds !== undefined) responseHeaders.set('retry-after', String(error.retryAfterSeconds));
  return new Response(JSON.stringify(toProblemDocument(error, typeBase, new URL(c.req.url).pathname)), {
    status: error.status,
    headers: responseHeaders,
  });
}
