import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edgeServerOptions, exceedsJsonDepth } from '../../../src/http/edge-limits.js';
import { normalizeAddress, TokenBuckets } from '../../../src/http/rate-limit.js';

describe('token buckets per client', () => {
  it('allow a burst, then the rate, and say how long to wait', () => {
    const buckets = new TokenBuckets({ requestsPerSecond: 2, burst: 3, maxClients: 10 });
    expect([0, 0, 0].map(() => buckets.take('a', 0))).toEqual([0, 0, 0]);
    expect(buckets.take('a', 0)).toBeCloseTo(0.5);
    expect(buckets.take('b', 0)).toBe(0);
    expect(buckets.take('a', 500)).toBe(0);
    expect(buckets.take('a', 500)).toBeGreaterThan(0);
  });

  it('remember at most maxClients, forgetting the least recently seen (a flood from many addresses stays bounded)', () => {
    const buckets = new TokenBuckets({ requestsPerSecond: 1, burst: 1, maxClients: 100 });
    buckets.take('steady', 0);
    for (let i = 0; i < 10_000; i++) {
      buckets.take(`spoofed-${i}`, i);
      if (i % 50 === 0) buckets.take('steady', i);
    }
    expect(buckets.size).toBe(100);
    // Which one goes: a client seen again stays, the one not seen longest is forgotten (and so
    // starts again with a full burst).
    const few = new TokenBuckets({ requestsPerSecond: 1, burst: 1, maxClients: 3 });
    for (const key of ['a', 'b', 'c', 'a', 'd']) few.take(key, 0);
    expect(few.take('a', 0)).toBeGreaterThan(0);
    expect(few.take('b', 0)).toBe(0);
  });
});

describe('client addresses', () => {
  it('count an IPv4-mapped address as IPv4, and IPv6 by its /64', () => {
    expect(normalizeAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeAddress('192.0.2.7')).toBe('192.0.2.7');
    expect(normalizeAddress('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
    expect(normalizeAddress('2001:db8:0:1:bbbb:cccc:dddd:eeee')).toBe('2001:db8:0:1::/64');
    expect(normalizeAddress('2001:db8::7')).toBe('2001:db8:0:0::/64');
    expect(normalizeAddress('::1')).toBe('0:0:0:0::/64');
  });
});

describe('JSON depth', () => {
  it('counts arrays and objects, never brackets inside strings', () => {
    expect(exceedsJsonDepth('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(exceedsJsonDepth('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(exceedsJsonDepth('{"a":"[[[[[[[[\\"[[[[[["}', 1)).toBe(false);
    expect(exceedsJsonDepth('['.repeat(1_000_000), 32)).toBe(true);
  });

  it('agrees with the real depth of any JSON value', () => {
    const depthOf = (value: unknown): number =>
      value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value as object).map(depthOf)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (value, max) => {
        expect(exceedsJsonDepth(JSON.stringify(value), max)).toBe(depthOf(value) > max);
      }),
      { numRuns: 300 },
    );
  });
});

describe('server options', () => {
  it('check timeouts often enough to cut a slow client close to its limit', () => {
    expect(edgeServerOptions({ maxHeaderBytes: 8192, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 })).toEqual({
      maxHeaderSize: 8192,
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      connectionsCheckingInterval: 1_000,
    });
  });
});
