import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/upstream/endpoint.js';
import { EndpointHealth, OutlierDetector, selectCandidates } from '../../../src/upstream/health/index.js';

const thresholds = { healthyThreshold: 2, unhealthyThreshold: 3 };

/** Just what outlier detection and selection read of an endpoint. */
function fakeEndpoint(url: string): Endpoint {
  return { url, health: new EndpointHealth() } as unknown as Endpoint;
}

describe('active check thresholds', () => {
  it('turn unhealthy after unhealthyThreshold failures in a row, and healthy after healthyThreshold passes', () => {
    const health = new EndpointHealth();
    expect(health.recordCheck(false, 'HTTP 500', thresholds)).toBe(false);
    expect(health.recordCheck(false, 'HTTP 500', thresholds)).toBe(false);
    expect(health.recordCheck(true, 'HTTP 200', thresholds)).toBe(false); // the streak is broken
    expect(health.isHealthy).toBe(true);
    health.recordCheck(false, 'timeout', thresholds);
    health.recordCheck(false, 'timeout', thresholds);
    expect(health.recordCheck(false, 'timeout', thresholds)).toBe(true);
    expect(health.isHealthy).toBe(false);
    expect(health.recordCheck(true, 'HTTP 200', thresholds)).toBe(false);
    expect(health.recordCheck(true, 'HTTP 200', thresholds)).toBe(true);
    expect(health.isHealthy).toBe(true);
    expect(health.snapshot().lastCheck).toMatchObject({ ok: true, detail: 'HTTP 200' });
  });
});

describe('outlier ejection', () => {
  const options = { enabled: true, consecutiveFailures: 3, baseEjectionMs: 1_000, maxEjectionMs: 2_500, maxEjectionPercent: 50 };

  it('ejects after consecutive failures, for longer each time, at most maxEjectionMs', () => {
    const detector = new OutlierDetector(options);
    const all = [fakeEndpoint('a'), fakeEndpoint('b')];
    const a = all[0]!;
    detector.record(a, true, all, 0);
    detector.record(a, false, all, 0); // a success resets the count
    detector.record(a, true, all, 0);
    detector.record(a, true, all, 0);
    expect(a.health.isEjected(0)).toBe(false);
    detector.record(a, true, all, 0);
    expect(a.health.isEjected(0)).toBe(true);
    expect(a.health.isEjected(999)).toBe(true);
    expect(a.health.isEjected(1_000)).toBe(false); // back after 1 x base

    for (let i = 0; i < 3; i++) detector.record(a, true, all, 1_000);
    expect(a.health.isEjected(2_999)).toBe(true); // 2 x base
    expect(a.health.isEjected(3_000)).toBe(false);
    for (let i = 0; i < 3; i++) detector.record(a, true, all, 3_000);
    expect(a.health.snapshot(3_000)).toMatchObject({ ejected: true, ejections: 3 });
    expect(a.health.isEjected(5_499)).toBe(true); // capped at maxEjectionMs, not 3 x base
    expect(a.health.isEjected(5_500)).toBe(false);
  });

  it('starts again from the base time once the endpoint stayed back for maxEjectionMs', () => {
    const detector = new OutlierDetector(options);
    const all = [fakeEndpoint('a'), fakeEndpoint('b')];
    const a = all[0]!;
    for (let i = 0; i < 3; i++) detector.record(a, true, all, 0);
    for (let i = 0; i < 3; i++) detector.record(a, true, all, 10_000);
    expect(a.health.snapshot(10_000).ejections).toBe(1);
    expect(a.health.isEjected(11_000)).toBe(false);
  });

  it('never ejects more than maxEjectionPercent of the endpoints (but always allows one)', () => {
    const detector = new OutlierDetector(options);
    const all = ['a', 'b', 'c', 'd'].map(fakeEndpoint);
    for (const endpoint of all) for (let i = 0; i < 3; i++) detector.record(endpoint, true, all, 0);
    expect(all.filter((endpoint) => endpoint.health.isEjected(0))).toHaveLength(2);
    const single = [fakeEndpoint('only')];
    for (let i = 0; i < 3; i++) detector.record(single[0]!, true, single, 0);
    expect(single[0]!.health.isEjected(0)).toBe(true);
  });

  it('does nothing when disabled', () => {
    const detector = new OutlierDetector({ ...options, enabled: false });
    const all = [fakeEndpoint('a'), fakeEndpoint('b')];
    for (let i = 0; i < 10; i++) detector.record(all[0]!, true, all, 0);
    expect(all[0]!.health.isEjected(0)).toBe(false);
  });
});

describe('panic threshold', () => {
  it('balances over the available endpoints, or over all of them when too few are available', () => {
    const all = ['a', 'b', 'c', 'd'].map(fakeEndpoint);
    all[0]!.health.eject(1_000, 1_000, 0);
    expect(selectCandidates(all, 50, 0)).toEqual({ endpoints: all.slice(1), panic: false });
    all[1]!.health.eject(1_000, 1_000, 0);
    expect(selectCandidates(all, 50, 0)).toEqual({ endpoints: all.slice(2), panic: false }); // 50% is not below 50%
    for (let i = 0; i < 3; i++) all[2]!.health.recordCheck(false, 'HTTP 503', thresholds);
    expect(selectCandidates(all, 50, 0)).toEqual({ endpoints: all, panic: true });
    expect(selectCandidates(all, 0, 0)).toEqual({ endpoints: all.slice(3), panic: false }); // panic off
    expect(selectCandidates(all, 50, 1_000).panic).toBe(false); // the ejections are over
  });
});
