import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canaryBucket, decide, inCanary } from '../../../src/strangler/index.js';

const percent = fc.integer({ min: 0, max: 10_000 }).map((hundredths) => hundredths / 100);

describe('canary decisions', () => {
  it('are sticky: the same key always goes the same way at a given percent', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), percent, (route, key, share) => {
        const first = decide({ stage: 'canary', percent: share }, route, key);
        for (let repeat = 0; repeat < 3; repeat++) expect(decide({ stage: 'canary', percent: share }, route, key)).toEqual(first);
      }),
    );
  });

  it('are monotonic: raising the percent only moves keys from legacy to modern', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), percent, percent, (route, key, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const atLow = decide({ stage: 'canary', percent: low }, route, key).primary;
        const atHigh = decide({ stage: 'canary', percent: high }, route, key).primary;
        expect(atLow === 'modern' && atHigh === 'legacy').toBe(false);
      }),
    );
  });

  it('send 0% nowhere and 100% everywhere', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (route, key) => {
        expect(decide({ stage: 'canary', percent: 0 }, route, key).primary).toBe('legacy');
        expect(decide({ stage: 'canary', percent: 100 }, route, key).primary).toBe('modern');
      }),
    );
  });

  it('send about the declared share of keys to modern, with two-decimal precision', () => {
    const keys = Array.from({ length: 20_000 }, (_, index) => String(index));
    const share = (percentage: number) => keys.filter((key) => inCanary(canaryBucket('customers.getCustomer', key), percentage)).length / keys.length;
    expect(share(10)).toBeGreaterThan(0.09);
    expect(share(10)).toBeLessThan(0.11);
    expect(share(0.5)).toBeGreaterThan(0.003);
    expect(share(0.5)).toBeLessThan(0.007);
  });

  it('are independent between routes', () => {
    const keys = Array.from({ length: 2_000 }, (_, index) => String(index));
    const inA = new Set(keys.filter((key) => inCanary(canaryBucket('a', key), 50)));
    const inBoth = keys.filter((key) => inA.has(key) && inCanary(canaryBucket('b', key), 50)).length;
    expect(inBoth / keys.length).toBeGreaterThan(0.2);
    expect(inBoth / keys.length).toBeLessThan(0.3);
  });
});

describe('stage decisions', () => {
  it('name the primary and the shadow target', () => {
    expect(decide({ stage: 'legacy' }, 'r', 'k')).toEqual({ primary: 'legacy', secondary: undefined });
    expect(decide({ stage: 'shadow' }, 'r', 'k')).toEqual({ primary: 'legacy', secondary: 'modern' });
    expect(decide({ stage: 'modern' }, 'r', 'k')).toEqual({ primary: 'modern', secondary: undefined });
    expect(decide({ stage: 'modern-verify' }, 'r', 'k')).toEqual({ primary: 'modern', secondary: 'legacy' });
  });
});
