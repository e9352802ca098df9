/**
 * The one contract every upstream stage shares. A stage wraps a call (timeout, balancing, later
 * breaker, bulkhead, retry) and is composed once per upstream at load; the AbortSignal travels
 * down so a deadline really cancels the socket.
 */

export interface UpstreamRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Appended to the endpoint's path, e.g. '' for a SOAP endpoint, '/v2/customers/42' for HTTP. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** The SOAP operation or route, for logs and per-operation policies. */
  readonly operation: string;
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
