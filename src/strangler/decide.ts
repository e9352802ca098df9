import { hash } from 'node:crypto';
import type { Flag, TargetName } from './flag.js';

/** Who answers a request, and who, if anyone, is called on the side to compare. */
export interface Decision {
  readonly primary: TargetName;
  readonly secondary: TargetName | undefined;
}

const buckets = 10_000; // percent has two decimals: one bucket per 0.01 %

/**
 * The canary bucket of a key, 0..9999. Stable for a key and route (sticky), and independent
 * between routes, so the same customer is not always in every canary.
 */
export function canaryBucket(route: string, key: string): number {
  // One-shot hashing: this runs on every canary request, and needs no Hash object per call.
  return hash('sha256', `${route}\0${key}`, 'buffer').readUInt32BE(0) % buckets;
}

/**
 * Keys in buckets below percent go to modern. Raising the percent only ever adds buckets, so a
 * key moves from legacy to modern once and never back and forth.
 */
export function inCanary(bucket: number, percent: number): boolean {
  return bucket < Math.round(percent * 100);
}

export function decide(flag: Flag, route: string, stickyKey: string | undefined): Decision {
  switch (flag.stage) {
    case 'legacy':
      return { primary: 'legacy', secondary: undefined };
    case 'modern':
      return { primary: 'modern', secondary: undefined };
    case 'shadow':
      return { primary: 'legacy', secondary: 'modern' };
    case 'modern-verify':
      return { primary: 'modern', secondary: 'legacy' };
    case 'canary': {
      // Without a key there is nothing to stick to: such requests are spread at random.
      const bucket = stickyKey === undefined ? Math.floor(Math.random() * buckets) : canaryBucket(route, stickyKey);
      return { primary: inCanary(bucket, flag.percent ?? 0) ? 'modern' : 'legacy', secondary: undefined };
    }
  }
}
