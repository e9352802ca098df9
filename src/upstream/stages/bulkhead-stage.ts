import type { Bulkhead } from '../../resilience/index.js';
import type { Call, Stage } from '../call.js';
import { abortedError } from '../upstream-error.js';

/**
 * Admits a call through the upstream's bulkhead. Outside the breaker, so that a refusal (the
 * gateway's own limit) never counts as a failure of the upstream.
 */
export function isolate(upstream: string, bulkhead: Bulkhead): Stage {
  return (next: Call): Call =>
    async function isolated(request, signal) {
      try {
        return await bulkhead.execute(() => next(request, signal), signal);
      } catch (error) {
        if (signal.aborted && error === signal.reason) throw abortedError(upstream, request.operation, signal);
        throw error;
      }
    };
}
