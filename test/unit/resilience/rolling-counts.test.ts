import { describe, expect, it } from 'vitest';
import { RollingCounts } from '../../../src/resilience/index.js';

describe('RollingCounts', () => {
  it('counts each kind, and forgets a bucket once the window has moved past it', () => {
    let now = 0;
    const counts = new RollingCounts(['calls', 'errors'], { windowMs: 1_000, buckets: 4, now: () => now }); // 250 ms buckets
    counts.add('calls');
    counts.add('errors');
    now = 300;
    counts.add('calls');
    expect(counts.totals()).toEqual({ calls: 2, errors: 1 });
    now = 999;
    expect(counts.totals()).toEqual({ calls: 2, errors: 1 }); // all of it still in the window
    now = 1_000;
    expect(counts.totals()).toEqual({ calls: 1, errors: 0 }); // the first bucket left
    now = 1_250;
    counts.add('errors'); // reuses the slot of the bucket at 300, which starts from zero
    expect(counts.totals()).toEqual({ calls: 0, errors: 1 });
    now = 10_000;
    expect(counts.totals()).toEqual({ calls: 0, errors: 0 });
  });
});
