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

interface Bucket {
  second: number;
  calls: number;
  errors: number;
  compared: number;
  mismatched: number;
}

export interface GuardVerdict {
  /** Why the route must go back, with the measured figures. */
  readonly reason: string;
}

/** Per-second buckets in a ring: constant memory, O(window) to evaluate. */
export class SlidingGuard {
  private readonly buckets: Bucket[];

  constructor(
    private readonly settings: GuardSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = Array.from({ length: settings.windowSeconds }, () => ({ second: -1, calls: 0, errors: 0, compared: 0, mismatched: 0 }));
  }

  recordCall(failed: boolean): GuardVerdict | undefined {
    const bucket = this.current();
    bucket.calls++;
    if (failed) bucket.errors++;
    return this.evaluate();
  }

  recordComparison(mismatched: boolean): GuardVerdict | undefined {
    const bucket = this.current();
    bucket.compared++;
    if (mismatched) bucket.mismatched++;
    return this.evaluate();
  }

  reset(): void {
    for (const bucket of this.buckets) Object.assign(bucket, { second: -1, calls: 0, errors: 0, compared: 0, mismatched: 0 });
  }

  private current(): Bucket {
    const second = Math.floor(this.now() / 1000);
    const bucket = this.buckets[second % this.buckets.length]!;
    if (bucket.second !== second) Object.assign(bucket, { second, calls: 0, errors: 0, compared: 0, mismatched: 0 });
    return bucket;
  }

  private evaluate(): GuardVerdict | undefined {
    const oldest = Math.floor(this.now() / 1000) - this.settings.windowSeconds + 1;
    let calls = 0;
    let errors = 0;
    let compared = 0;
    let mismatched = 0;
    for (const bucket of this.buckets) {
      if (bucket.second < oldest) continue;
      calls += bucket.calls;
      errors += bucket.errors;
      compared += bucket.compared;
      mismatched += bucket.mismatched;
    }
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
