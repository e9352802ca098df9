import { runWithTimeout } from '../../resilience/index.js';
import type { Call, Stage } from '../call.js';

/**
 * Bounds a whole call, queueing and all attempts included, with its own timer combined with the
 * caller's signal: whichever fires first aborts the socket below. Stages below read the deadline
 * from `request.deadlineAt`.
 */
export function deadline(defaultTimeoutMs: number): Stage {
  return (next: Call): Call =>
    function withDeadline(request, signal) {
      const timeoutMs = request.deadlineMs ?? defaultTimeoutMs;
      const deadlineAt = performance.now() + timeoutMs;
      return runWithTimeout(signal, timeoutMs, (bounded) => next({ ...request, deadlineAt }, bounded));
    };
}
