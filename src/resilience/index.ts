/**
 * Resilience policies, each behind one small contract (`execute(work, …)`), with typed events and
 * named errors. They know nothing of upstreams: `src/upstream/stages/` adapts them to `Call`.
 */
export { fullJitterDelay, type BackoffOptions } from './backoff.js';
export {
  BrokenCircuitError,
  CircuitBreaker,
  isBrokenCircuitError,
  type BreakerOptions,
  type BreakerSnapshot,
  type BreakerState,
  type BreakerStateChange,
} from './breaker.js';
export { Bulkhead, BulkheadRejectedError, isBulkheadRejectedError, type BulkheadOptions, type BulkheadRejection, type BulkheadSnapshot } from './bulkhead.js';
export { EventSource, type Listener, type Unsubscribe } from './events.js';
export type { Outcome } from './outcome.js';
export { Retry, type RetryContext, type RetryEvent, type RetryOptions, type RetryRefusal } from './retry.js';
export { runWithTimeout } from './timeout-signal.js';
export { RetryBudget, type RetryBudgetOptions, type RetryBudgetSnapshot } from './retry-budget.js';
export { RollingCounts, type RollingWindow } from './rolling-counts.js';
