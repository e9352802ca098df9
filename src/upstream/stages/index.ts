/** The stages of an upstream call, outermost first: deadline -> isolate -> retrying -> observe -> guard -> secure -> balance. */
export { balance, type BalanceOptions } from './balance.js';
export { BreakerGroup, guard, type BreakerPolicy } from './breaker-stage.js';
export { isolate } from './bulkhead-stage.js';
export { observe, type ObserveOptions } from './observe.js';
export { deadline } from './deadline.js';
export { retrying, type RetryStageOptions } from './retry-stage.js';
export { secure } from './secure.js';
