import { RollingCounts } from './rolling-counts.js';

/**
 * A retry budget keeps retries to a share of the calls over a rolling window (like Finagle's
 * RetryBudget and Envoy's retry budgets), so an outage never multiplies the load on a system that
 * is already failing: at 20%, a thousand failing calls cause at most two hundred retries.
 */

export interface RetryBudgetOptions {
  /** Retries allowed, as a percentage of the calls in the window. */
  readonly percent: number;
  /** Retries allowed on top of the percentage, per second of window, so a quiet system can retry. */
  readonly minRetriesPerSecond: number;
  /** The rolling window calls and retries are counted over. */
  readonly windowMs: number;
  /** The clock, in milliseconds; `Date.now` by default. */
  readonly now?: () => number;
}

export interface RetryBudgetSnapshot {
  readonly percent: number;
  readonly minRetriesPerSecond: number;
  readonly windowMs: number;
  /** Calls and retries counted in the current window. */
  readonly calls: number;
  readonly retries: number;
  /** Retries that may still be made now. */
  readonly available: number;
}

const BUCKETS = 10;

export class RetryBudget {
  private readonly counts: RollingCounts<'calls' | 'retries'>;
  private readonly reserve: number;

  constructor(private readonly options: RetryBudgetOptions) {
    this.counts = new RollingCounts(['calls', 'retries'], { windowMs: options.windowMs, buckets: BUCKETS, now: options.now });
    this.reserve = (options.minRetriesPerSecond * options.windowMs) / 1000;
  }

  /** Counts a call (its first attempt). Each call adds `percent`/100 of a retry to the budget. */
  recordCall(): void {
    this.counts.add('calls');
  }

  /** Takes one retry from the budget; false, and nothing taken, when the budget is spent. */
  tryAcquire(): boolean {
    if (this.available() < 1) return false;
    this.counts.add('retries');
    return true;
  }

  snapshot(): RetryBudgetSnapshot {
    const totals = this.counts.totals();
    const { percent, minRetriesPerSecond, windowMs } = this.options;
    const available = Math.max(0, Math.floor(this.available(totals)));
    return { percent, minRetriesPerSecond, windowMs, calls: totals.calls, retries: totals.retries, available };
  }

  private available({ calls, retries } = this.counts.totals()): number {
    return (calls * this.options.percent) / 100 + this.reserve - retries;
  }
}
