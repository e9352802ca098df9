import type { Outcome, Retry } from '../../resilience/index.js';
import { classifyReply, type Call, type Stage, type UpstreamReply, type UpstreamRequest } from '../call.js';
import { abortedError, isUpstreamFault } from '../upstream-error.js';

export interface RetryStageOptions {
  readonly upstream: string;
  readonly retry: Retry;
  /** True while no retry may be made for this request (its breaker is open). */
  readonly blocked: (request: UpstreamRequest) => boolean;
}

/**
 * Retries idempotent calls on connection errors, timeouts of one attempt and server faults (a
 * reply classified `server-error`), within the retry policy's attempts, budget and the deadline.
 * A call that is not idempotent is sent once. Each attempt goes down through the breaker and the
 * balancer, so a retry usually lands on another endpoint and stops as soon as the breaker opens.
 */
export function retrying({ upstream, retry, blocked }: RetryStageOptions): Stage {
  return (next: Call): Call =>
    async function retried(request, signal) {
      if (!request.idempotent) {
        retry.budget.recordCall();
        return next(request, signal);
      }
      try {
        return await retry.execute((attemptSignal) => next(request, attemptSignal), {
          signal,
          deadlineAt: request.deadlineAt,
          isRetryable: (outcome) => isTransient(request, outcome),
          mayRetry: () => !blocked(request),
        });
      } catch (error) {
        if (signal.aborted && error === signal.reason) throw abortedError(upstream, request.operation, signal);
        throw error;
      }
    };
}

/**
 * A server fault, or a connection error or timeout of one attempt. When the whole call's signal
 * fired, `Retry` stops by itself before asking.
 */
function isTransient(request: UpstreamRequest, outcome: Outcome<UpstreamReply>): boolean {
  return outcome.ok ? classifyReply(request, outcome.value) === 'server-error' : isUpstreamFault(outcome.error);
}
