import type { Outcome, Retry } from '../../resilience/index.js';
import { classifyReply, type Call, type Stage, type UpstreamReply, type UpstreamRequest } from '../call.js';
import { isUpstreamFault } from '../upstream-error.js';

export interface RetryStageOptions {
  readonly retry: Retry;
  /** True while no retry may be made for this request (its breaker is open). */
  readonly blocked: (request: UpstreamRequest) => boolean;
}

/**
 * Retries idempotent calls on connection errors, timeouts of one attempt and server faults (a
 * reply classified `server-error`), within the retry policy's attempts, budget and the deadline.
 * A call that is not idempotent is sent once. Each attempt goes down through the breaker and the
 * balancer, so a retry usually lands on another endpoint and stops as soon as the breaker opens.
 * A wait between attempts cut short by the signal rejects with its reason, which the deadline stage
 * above turns into an UpstreamError.
 */
export function retrying({ retry, blocked }: RetryStageOptions): Stage {
  return (next: Call): Call =>
    function retried(request, signal) {
      if (!request.idempotent) {
        retry.budget.recordCall();
        return next(request, signal);
      }
      return retry.execute((attemptSignal) => next(request, attemptSignal), {
        signal,
        deadlineAt: request.deadlineAt,
        isRetryable: (outcome) => isTransient(request, outcome),
        mayRetry: () => !blocked(request),
      });
    };
}

/**
 * A server fault, or a connection error or timeout of one attempt. When the whole call's signal
 * fired, `Retry` stops by itself before asking.
 */
function isTransient(request: UpstreamRequest, outcome: Outcome<UpstreamReply>): boolean {
  return outcome.ok ? classifyReply(request, outcome.value) === 'server-error' : isUpstreamFault(outcome.error);
}
