import { RollingCounts } from '../resilience/index.js';

/**
 * A guarded rollout: over a sliding window, the modern target's error rate and the shadow
 * mismatch rate are watched; past a threshold (with enough requests), the route goes back.
 */
export interface GuardSettings {
  readonly windowSeconds: number;
  readonly minRequests: number;
  readonly maxErrorRate?: number;
  readonly maxMismatchRate?: number;
}

export interface GuardVerdict {
  /** Why the route must go back, with the measured figures. */
  readonly reason: string;
}

type Counted = 'calls' | 'errors' | 'compared' | 'mismatched';
const counted: readonly Counted[] = ['calls', 'errors', 'compared', 'mismatched'];

/** Per-second buckets in a ring: constant memory, O(window) to evaluate. */
export class SlidingGuard {
  private counts: RollingCounts<Counted>;

  constructor(
    private readonly settings: GuardSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.counts = this.emptyWindow();
  }

  recordCall(failed: boolean): GuardVerdict | undefined {
    this.counts.add('calls');
    if (failed) this.counts.add('errors');
    return this.evaluate();
  }

  recordComparison(mismatched: boolean): GuardVerdict | undefined {
    this.counts.add('compared');
    if (mismatched) this.counts.add('mismatched');
    return this.evaluate();
  }

  /** Forgets everything counted: the flag changed, so the old figures judge another stage. */
  reset(): void {
    this.counts = this.emptyWindow();
  }

  private emptyWindow(): RollingCounts<Counted> {
    const { windowSeconds } = this.settings;
    return new RollingCounts(counted, { windowMs: windowSeconds * 1000, buckets: windowSeconds, now: this.now });
  }

  private evaluate(): GuardVerdict | undefined {
    const { calls, errors, compared, mismatched } = this.counts.totals();
    const window = `${this.settings.windowSeconds}s`;
    const { maxErrorRate, maxMismatchRate, minRequests } = this.settings;
    if (maxErrorRate !== undefined && calls >= minRequests && errors / calls > maxErrorRate) {
      return { reason: `modern error rate ${percent(errors / calls)} (${errors} of ${calls} calls in ${window}) exceeds ${percent(maxErrorRate)}` };
    }
    if (maxMismatchRate !== undefined && compared >= minRequests && mismatched / compared > maxMismatchRate) {
      return {
        reason: `shadow mismatch rate ${percent(mismatched / compared)} (${mismatched} of ${compared} comparisons in ${window}) exceeds ${percent(maxMismatchRate)}`,
      };
    }
    return undefined;
  }
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}
