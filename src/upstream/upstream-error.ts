/** Why a call to an upstream failed below the protocol level (SOAP faults are not errors here). */
export type UpstreamFailure =
  | 'connect' // refused, DNS, unreachable: the request never reached the upstream
  | 'reset' // the connection broke while the upstream had the request
  | 'timeout' // the deadline passed
  | 'too-large' // the reply exceeded maxReplyBytes
  | 'cancelled'; // the client went away

export class UpstreamError extends Error {
  constructor(
    readonly failure: UpstreamFailure,
    readonly upstream: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}

/** Failures that say the upstream (or the way to it) is in trouble: they count for breakers, ejection and retries. */
const faultFailures: ReadonlySet<UpstreamFailure> = new Set(['connect', 'reset', 'timeout']);

/** A connection error or a timeout: counts against the upstream. Cancelled calls and oversized replies do not. */
export function isUpstreamFault(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError && faultFailures.has(error.failure);
}

/** Why a call whose signal fired stopped: a deadline (a `TimeoutError` reason) or the client going away. */
export function abortFailure(signal: AbortSignal): 'timeout' | 'cancelled' {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === 'TimeoutError' ? 'timeout' : 'cancelled';
}

/**
 * The UpstreamError for a call whose signal fired outside the transport (waiting for a bulkhead
 * slot, between two attempts, or for the first DNS answer), so it leaves as 504 or as a
 * cancellation like any other.
 */
export function abortedError(upstream: string, operation: string, signal: AbortSignal): UpstreamError {
  const failure = abortFailure(signal);
  return new UpstreamError(failure, upstream, `${describeFailure(failure)}: ${upstream} (${operation})`, { cause: signal.reason });
}

/** The start of an UpstreamError's message; the caller adds where the call went. */
export function describeFailure(failure: UpstreamFailure): string {
  switch (failure) {
    case 'connect':
      return 'cannot connect';
    case 'reset':
      return 'connection broken';
    case 'timeout':
      return 'no reply before the deadline';
    case 'too-large':
      return 'reply too large';
    case 'cancelled':
      return 'cancelled by the client';
  }
}
