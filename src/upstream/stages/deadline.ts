import { runWithTimeout } from '../../resilience/index.js';
import type { Call, Stage } from '../call.js';
import { abortedError } from '../upstream-error.js';

/**
 * Bounds a whole call, queueing and all attempts included, with its own timer combined with the
 * caller's signal: whichever fires first aborts the socket below. Stages below read the deadline
 * from `request.deadlineAt`.
 *
 * The stages below that wait (for a bulkhead slot, between two attempts, for the first DNS answer)
 * reject with the signal's reason when it fires; here, where the signal is made, that reason becomes
 * the UpstreamError the transport would have thrown, so the call leaves as 504 or as a cancellation
 * like any other.
 */
export function deadline(upstream: string, defaultTimeoutMs: number): Stage {
  return (next: Call): Call =>
    function withDeadline(request, signal) {
      const timeoutMs = request.deadlineMs ?? defaultTimeoutMs;
      const deadlineAt = performance.now() + timeoutMs;
      return runWithTimeout(signal, timeoutMs, async (bounded) => {
        try {
          return await next({ ...request, deadlineAt }, bounded);
        } catch (error) {
          if (bounded.aborted && error === bounded.reason) throw abortedError(upstream, request.operation, bounded);
          throw error;
        }
      });
    };
}
