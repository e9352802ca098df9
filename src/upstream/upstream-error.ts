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
