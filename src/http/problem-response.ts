import { GatewayError, problemContentType, toProblemDocument } from '../problem/index.js';

/** A GatewayError as an HTTP response: problem+json, plus Retry-After where the problem says. */
export function problemResponse(
  error: GatewayError,
  typeBase: string,
  instance: string,
  headers: Record<string, string | undefined> = {},
): Response {
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(headers)) if (value) responseHeaders.set(name, value);
  responseHeaders.set('content-type', problemContentType);
  if (error.retryAfterSeconds !== undefined) responseHeaders.set('retry-after', String(error.retryAfterSeconds));
  return new Response(JSON.stringify(toProblemDocument(error, typeBase, instance)), {
    status: error.status,
    headers: responseHeaders,
  });
}
