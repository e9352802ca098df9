import type { Bulkhead } from '../../resilience/index.js';
import type { Call, Stage } from '../call.js';

/**
 * Admits a call through the upstream's bulkhead. Outside the breaker, so that a refusal (the
 * gateway's own limit) never counts as a failure of the upstream. A wait cut short by the signal
 * rejects with its reason, which the deadline stage above turns into an UpstreamError.
 */
export function isolate(bulkhead: Bulkhead): Stage {
  return (next: Call): Call =>
    function isolated(request, signal) {
      return bulkhead.execute(() => next(request, signal), signal);
    };
}
