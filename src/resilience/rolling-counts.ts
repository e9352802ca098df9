/**
 * Counts over a rolling time window, kept in a ring of buckets (as Hystrix and opossum count):
 * constant memory, and a bucket is cleared when its slot comes round again, so nothing runs on a
 * timer. The retry budget counts its calls and retries with it, a strangler guard its modern
 * calls, errors and shadow comparisons.
 *
 * @example
 * const counts = new RollingCounts(['calls', 'retries'], { windowMs: 10_000, buckets: 10 });
 * counts.add('calls');
 * const { calls, retries } = counts.totals();
 */

export interface RollingWindow {
  readonly windowMs: number;
  /** The window is counted in this many buckets; a count leaves it one bucket at a time. */
  readonly buckets: number;
  /** The clock, in milliseconds; `Date.now` by default. */
  readonly now?: () => number;
}

interface Bucket<K extends string> {
  /** Which stretch of time (of one bucket's length) the counts belong to; -1 before first use. */
  id: number;
  readonly counts: Record<K, number>;
}

export class RollingCounts<K extends string> {
  private readonly ring: Array<Bucket<K>>;
  private readonly bucketMs: number;
  private readonly now: () => number;

  constructor(
    private readonly kinds: readonly K[],
    window: RollingWindow,
  ) {
    this.bucketMs = Math.max(1, window.windowMs / window.buckets);
    this.now = window.now ?? Date.now;
    this.ring = Array.from({ length: window.buckets }, () => ({ id: -1, counts: this.zeros() }));
  }

  /** Counts one `kind` now. */
  add(kind: K): void {
    const id = this.bucketId();
    const bucket = this.ring[id % this.ring.length]!;
    if (bucket.id !== id) {
      bucket.id = id;
      for (const each of this.kinds) bucket.counts[each] = 0;
    }
    bucket.counts[kind]++;
  }

  /** Each kind's count in the window that ends now. */
  totals(): Record<K, number> {
    const oldest = this.bucketId() - this.ring.length + 1;
    const totals = this.zeros();
    for (const bucket of this.ring) {
      if (bucket.id < oldest) continue;
      for (const kind of this.kinds) totals[kind] += bucket.counts[kind];
    }
    return totals;
  }

  private bucketId(): number {
    return Math.floor(this.now() / this.bucketMs);
  }

  private zeros(): Record<K, number> {
    return Object.fromEntries(this.kinds.map((kind) => [kind, 0])) as Record<K, number>;
  }
}
