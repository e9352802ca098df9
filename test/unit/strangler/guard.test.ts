import { describe, expect, it } from 'vitest';
import { SlidingGuard } from '../../../src/strangler/guard.js';

describe('guards', () => {
  it('fire only past the threshold with enough requests in the window', () => {
    let now = 1_000_000;
    const guard = new SlidingGuard({ windowSeconds: 10, minRequests: 10, maxErrorRate: 0.2 }, () => now);
    for (let index = 0; index < 5; index++) expect(guard.recordCall(true)).toBeUndefined();
    for (let index = 0; index < 4; index++) expect(guard.recordCall(false)).toBeUndefined();
    expect(guard.recordCall(false)?.reason).toMatch(/modern error rate 50\.0% \(5 of 10 calls in 10s\) exceeds 20\.0%/);
    now += 11_000;
    expect(guard.recordCall(true)).toBeUndefined();
  });

  it('fire on the shadow mismatch rate', () => {
    const guard = new SlidingGuard({ windowSeconds: 60, minRequests: 4, maxMismatchRate: 0.5 });
    // 100 % and then 67 % mismatched, but fewer comparisons than minRequests: no verdict yet.
    expect(guard.recordComparison(true)).toBeUndefined();
    expect(guard.recordComparison(true)).toBeUndefined();
    expect(guard.recordComparison(false)).toBeUndefined();
    expect(guard.recordComparison(true)?.reason).toMatch(/shadow mismatch rate 75\.0% \(3 of 4 comparisons in 60s\) exceeds 50\.0%/);
  });
});
