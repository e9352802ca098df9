import type { BulkheadRejection } from '../resilience/index.js';

/**
 * How an upstream attempt ended, as metrics and spans label it: the reply's class, or why there
 * was none.
 */
export type AttemptOutcome =
  | 'ok'
  | 'client_error' // a 4xx or a SOAP client fault: the upstream answered
  | 'server_error' // a 5xx, a SOAP server fault or an unusable reply
  | 'timeout'
  | 'connect_error'
  | 'reset'
  | 'too_large'
  | 'cancelled'
  | 'breaker_open' // refused by the circuit breaker: nothing was sent
  | 'error';

/**
 * What an upstream measures as it works, for metrics (not logged: one per attempt is too many
 * lines). `UpstreamEvent`s are the things worth a log line.
 */
export type UpstreamMeasurement =
  | { readonly kind: 'attempt'; readonly upstream: string; readonly operation: string; readonly outcome: AttemptOutcome; readonly seconds: number }
  | { readonly kind: 'retry'; readonly upstream: string }
  | { readonly kind: 'retry-budget-exhausted'; readonly upstream: string }
  | { readonly kind: 'bulkhead-rejected'; readonly upstream: string; readonly reason: BulkheadRejection };
