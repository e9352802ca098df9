import type { SoapVersion, XmlNode } from '../soap/index.js';
import type { CallTelemetry } from '../telemetry/index.js';

/**
 * The one contract every upstream stage shares. A stage wraps a call (deadline, bulkhead, retry,
 * breaker) and is composed once per upstream at load; the AbortSignal travels down so a deadline
 * really cancels the socket.
 */

export interface UpstreamRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Appended to the endpoint's path, e.g. '' for a SOAP endpoint, '/v2/customers/42' for HTTP. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** The SOAP operation or route, for logs and per-operation policies. */
  readonly operation: string;
  /** Safe to send again: only such calls are retried. */
  readonly idempotent: boolean;
  /** The deadline of the whole call, all attempts included; default: the upstream's timeoutMs. */
  readonly deadlineMs?: number;
  /**
   * Says what a reply means for the upstream's health. HTTP status alone cannot tell: a SOAP 1.1
   * client fault comes with HTTP 500 and must never trip a breaker. Default: `classifyByStatus`.
   */
  readonly classify?: (reply: UpstreamReply) => ReplyClass;
  /**
   * The key of the `consistent-hash` balancer (e.g. a customer number): calls with one key go to
   * one endpoint while it is available. Without a key that balancer picks at random.
   */
  readonly hashKey?: string;
  /**
   * Set by the deadline stage: the `performance.now()` time by which the call, all attempts
   * included, must be over. Stages below it use it not to start what cannot finish.
   */
  readonly deadlineAt?: number;
  /**
   * The request's telemetry: the observe stage counts each attempt there, opens its span, and
   * sends its `x-request-id` and `traceparent` upstream. Absent in `ficus test`.
   */
  readonly telemetry?: CallTelemetry;
  /**
   * A SOAP call's body as a tree: the WS-Security stage builds each attempt's envelope from it, with
   * a fresh Security header (nonce, times). `body` is the same envelope without that header.
   */
  readonly soap?: { readonly version: SoapVersion; readonly body: XmlNode };
}

/** `ok` and `client-error` show a healthy upstream; `server-error` counts against it. */
export type ReplyClass = 'ok' | 'client-error' | 'server-error';

export function classifyByStatus(reply: UpstreamReply): ReplyClass {
  if (reply.status >= 500) return 'server-error';
  return reply.status >= 400 ? 'client-error' : 'ok';
}

/** What a reply means for the upstream's health, by the request's own classifier. */
export function classifyReply(request: UpstreamRequest, reply: UpstreamReply): ReplyClass {
  return (request.classify ?? classifyByStatus)(reply);
}

export interface UpstreamReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** The endpoint that answered. */
  readonly endpoint: string;
}

export type Call = (request: UpstreamRequest, signal: AbortSignal) => Promise<UpstreamReply>;
export type Stage = (next: Call) => Call;

/** compose(a, b, c)(call) === a(b(c(call))): the first stage is the outermost. */
export function compose(...stages: readonly Stage[]): Stage {
  return (call) => stages.reduceRight((next, stage) => stage(next), call);
}
