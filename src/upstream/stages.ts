import type { Call, Stage } from './call.js';

/**
 * Bounds a whole call, all attempts included, with its own timer combined with the caller's signal:
 * whichever fires first aborts the socket below.
 */
export function deadline(defaultTimeoutMs: number): Stage {
  return (next: Call): Call =>
    (request, signal) =>
      next(request, AbortSignal.any([signal, AbortSignal.timeout(request.deadlineMs ?? defaultTimeoutMs)]));
}

/** Spreads calls over the endpoints in turn. Issue 4 brings health-aware balancers. */
export function roundRobin(endpoints: readonly Call[]): Call {
  if (endpoints.length === 0) throw new Error('roundRobin needs at least one endpoint');
  let nextIndex = 0;
  return (request, signal) => {
    const endpoint = endpoints[nextIndex % endpoints.length]!;
    nextIndex = (nextIndex + 1) % endpoints.length;
    return endpoint(request, signal);
  };
}
