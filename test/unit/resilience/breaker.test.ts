import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrokenCircuitError, CircuitBreaker, isBrokenCircuitError, type BreakerState, type Outcome } from '../../../src/resilience/index.js';

type Reply = { status: number };

const breakers: Array<CircuitBreaker<Reply>> = [];
afterEach(() => {
  for (const breaker of breakers.splice(0)) breaker.shutdown();
});

/** A failure: a 5xx value or an error that is not a "client" error. */
const isFailure = (outcome: Outcome<Reply>) => (outcome.ok ? outcome.value.status >= 500 : !(outcome.error instanceof ClientError));
class ClientError extends Error {}

function breakerOf(resetTimeoutMs = 100): CircuitBreaker<Reply> {
  const breaker = new CircuitBreaker<Reply>({
    name: 'test',
    volumeThreshold: 4,
    errorThresholdPercent: 50,
    windowMs: 10_000,
    windowBuckets: 10,
    resetTimeoutMs,
    isFailure,
  });
  breakers.push(breaker);
  return breaker;
}

const reply = (status: number) => () => Promise.resolve({ status });

describe('CircuitBreaker', () => {
  it('counts failing values as failures but still returns them, and opens past the threshold', async () => {
    const breaker = breakerOf();
    const changes: Array<[BreakerState, BreakerState]> = [];
    breaker.onStateChange.on(({ from, to }) => changes.push([from, to]));
    for (let i = 0; i < 3; i++) await expect(breaker.execute(reply(500))).resolves.toEqual({ status: 500 });
    expect(breaker.state).toBe('closed'); // below volumeThreshold
    await breaker.execute(reply(500));
    expect(breaker.state).toBe('open');
    expect(changes).toEqual([['closed', 'open']]);
    const work = vi.fn(reply(200));
    const refused = await breaker.execute(work).catch((error: unknown) => error);
    expect(isBrokenCircuitError(refused)).toBe(true);
    expect((refused as BrokenCircuitError).retryAfterMs).toBeGreaterThan(0);
    expect((refused as BrokenCircuitError).retryAfterMs).toBeLessThanOrEqual(100);
    expect(work).not.toHaveBeenCalled();
    expect(breaker.snapshot()).toMatchObject({ state: 'open', opened: 1, window: { failures: 4, rejected: 1 } });
  });

  it('never opens on errors that are not failures (client errors)', async () => {
    const breaker = breakerOf();
    for (let i = 0; i < 20; i++) await expect(breaker.execute(() => Promise.reject(new ClientError('404')))).rejects.toThrow('404');
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().window).toMatchObject({ failures: 0, successes: 20 });
  });

  it('goes half-open after resetTimeout, lets one trial through, and closes when it passes', async () => {
    const breaker = breakerOf(50);
    for (let i = 0; i < 4; i++) await breaker.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);
    expect(breaker.state).toBe('open');
    await vi.waitFor(() => expect(breaker.state).toBe('half-open'), { timeout: 2_000, interval: 10 });

    let finishTrial!: () => void;
    const trial = breaker.execute(() => new Promise<Reply>((resolve) => (finishTrial = () => resolve({ status: 200 }))));
    // While the trial is in flight, other calls are refused.
    await expect(breaker.execute(reply(200))).rejects.toBeInstanceOf(BrokenCircuitError);
    finishTrial();
    await expect(trial).resolves.toEqual({ status: 200 });
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(reply(200))).resolves.toEqual({ status: 200 });
  });

  it('opens again when the half-open trial fails', async () => {
    const breaker = breakerOf(50);
    for (let i = 0; i < 4; i++) await breaker.execute(reply(503));
    await vi.waitFor(() => expect(breaker.state).toBe('half-open'), { timeout: 2_000, interval: 10 });
    await breaker.execute(reply(503));
    expect(breaker.state).toBe('open');
    expect(breaker.snapshot().opened).toBe(2);
  });
});
