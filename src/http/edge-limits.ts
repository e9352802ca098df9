import type { Server, ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import { builtInProblems, GatewayError, problemContentType, toProblemDocument, type BuiltInProblem } from '../problem/index.js';

/**
 * Limits enforced at the edge, before a request reaches a route: JSON nesting depth (checked on
 * the text, before `JSON.parse`), header size and slow clients (by Node's HTTP server), each
 * refused with a problem document.
 */

export interface EdgeServerLimits {
  /** Request line and headers together (Node's `maxHeaderSize`); more gets 431. */
  readonly maxHeaderBytes: number;
  /** The headers must have arrived within this time; else 408. */
  readonly headersTimeoutMs: number;
  /** The whole request must have arrived within this time; else 408. */
  readonly requestTimeoutMs: number;
}

/**
 * Options for `http.createServer` (via @hono/node-server's `serverOptions`). The check interval is
 * made short enough that a timeout fires close to its time (Node's default checks every 30 s).
 *
 * @example
 * serve({ fetch: app.fetch, port, serverOptions: edgeServerOptions(limits) });
 */
export function edgeServerOptions(limits: EdgeServerLimits): ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

const clientErrors: ReadonlyArray<{ readonly codes: readonly string[]; readonly slug: BuiltInProblem; readonly reason: string; readonly detail: string }> = [
  { codes: ['HPE_HEADER_OVERFLOW'], slug: 'request-header-fields-too-large', reason: 'Request Header Fields Too Large', detail: 'The request line and headers are larger than allowed.' },
  { codes: ['ERR_HTTP_REQUEST_TIMEOUT'], slug: 'request-timeout', reason: 'Request Timeout', detail: 'The request was not received in time.' },
];

/**
 * Answers what Node's HTTP parser refuses before any route runs (oversized headers 431, slow
 * clients 408, malformed requests 400) with a problem document instead of a bare status line,
 * then closes the connection.
 */
export function answerClientErrors(server: Server, problemTypeBase: string): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const known = clientErrors.find((entry) => entry.codes.includes(error.code ?? ''));
    const slug = known?.slug ?? 'invalid-request';
    const reason = known?.reason ?? 'Bad Request';
    const problem = GatewayError.of(slug, known?.detail ?? 'The request is not valid HTTP.');
    const body = JSON.stringify(toProblemDocument(problem, problemTypeBase));
    const { status } = builtInProblems[slug];
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${problemContentType}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}

/**
 * True when `text` (JSON) nests arrays and objects deeper than `maxDepth`. A single pass over the
 * text that skips strings; `JSON.parse` never sees a body that is too deep.
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }
  return false;
}
