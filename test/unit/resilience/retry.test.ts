import { describe, expect, it } from 'vitest';
import { fullJitterDelay, Retry, RetryBudget, type Outcome } from '../../../src/resilience/index.js';

const never = new AbortController().signal;
const transient = (outcome: Outcome<unknown>) => !outcome.ok;

function retryOf(options: Partial<ConstructorParameters<typeof Retry>[0]> = {}) {
  return new Retry({
    maxAttempts: 3,
    baseDelayMs: 1,
    maxDelayMs: 2,
    budget: new RetryBudget({ percent: 100, minRetriesPerSecond: 100, windowMs: 10_000 }),
    ...options,
  });
}

/** Fails `failures` times, then answers 'ok'. */
function flaky(failures: number): { work: () => Promise<string>; readonly calls: number } {
  let calls = 0;
  return {
    work: () => (++calls <= failures ? Promise.reject(new Error(`failure ${calls}`)) : Promise.resolve('ok')),
    get calls() {
      return calls;
    },
  };
}

describe('fullJitterDelay', () => {
  it('is uniform below min(maxDelay, base * 2^(n-1))', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(fullJitterDelay(1, options, () => 0)).toBe(0);
    expect(fullJitterDelay(1, options, () => 0.999)).toBe(99);
    expect(fullJitterDelay(3, options, () => 0.999)).toBe(399);
    expect(fullJitterDelay(10, options, () => 0.999)).toBe(999);
    expect(fullJitterDelay(2, options, () => 0.5)).toBe(100);
  });
});

describe('Retry', () => {
  it('retries a transient failure until it passes', async () => {
    const task = flaky(2);
    await expect(retryOf().execute(task.work, { signal: never, isRetryable: transient })).resolves.toBe('ok');
    expect(task.calls).toBe(3);
  });

  it('stops at maxAttempts and settles like the last attempt', async () => {
    const task = flaky(5);
    await expect(retryOf().execute(task.work, { signal: never, isRetryable: transient })).rejects.toThrow('failure 3');
    expect(task.calls).toBe(3);
  });

  it('returns a value that is retryable but has no retry left (a server fault is still the answer)', async () => {
    let calls = 0;
    const result = await retryOf({ maxAttempts: 2 }).execute(() => Promise.resolve(`fault ${++calls}`), {
      signal: never,
      isRetryable: (outcome) => outcome.ok,
    });
    expect(result).toBe('fault 2');
  });

  it('never retries what is not retryable, nor when the caller says no', async () => {
    const notRetryable = flaky(1);
    await expect(retryOf().execute(notRetryable.work, { signal: never, isRetryable: () => false })).rejects.toThrow();
    expect(notRetryable.calls).toBe(1);
    const blocked = flaky(1);
    const retry = retryOf();
    const refusals: string[] = [];
    retry.onGiveUp.on(({ reason }) => refusals.push(reason));
    await expect(retry.execute(blocked.work, { signal: never, isRetryable: transient, mayRetry: () => false })).rejects.toThrow();
    expect(blocked.calls).toBe(1);
    expect(refusals).toEqual(['not-allowed']);
  });

  it('does not retry when the wait would pass the deadline', async () => {
    const task = flaky(5);
    const retry = retryOf({ baseDelayMs: 1_000, maxDelayMs: 1_000, random: () => 0.9 });
    await expect(retry.execute(task.work, { signal: never, isRetryable: transient, deadlineAt: performance.now() + 500 })).rejects.toThrow('failure 1');
    expect(task.calls).toBe(1);
  });

  it('takes each retry from the budget and stops when it is spent', async () => {
    const budget = new RetryBudget({ percent: 0, minRetriesPerSecond: 0.1, windowMs: 10_000 }); // one retry in the window
    const retry = retryOf({ budget, maxAttempts: 5 });
    const task = flaky(10);
    await expect(retry.execute(task.work, { signal: never, isRetryable: transient })).rejects.toThrow('failure 2');
    expect(budget.snapshot()).toMatchObject({ calls: 1, retries: 1, available: 0 });
  });

  it('rejects with the signal reason when aborted between attempts', async () => {
    const controller = new AbortController();
    const retry = retryOf({ baseDelayMs: 5_000, maxDelayMs: 5_000, random: () => 0.5 });
    retry.onRetry.on(() => controller.abort(new Error('gave up')));
    await expect(retry.execute(flaky(5).work, { signal: controller.signal, isRetryable: transient })).rejects.toThrow('gave up');
  });

  it('gives each attempt its own timeout when attemptTimeoutMs is set', async () => {
    const signals: AbortSignal[] = [];
    const retry = retryOf({ attemptTimeoutMs: 20, maxAttempts: 2 });
    const hang = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    };
    await expect(retry.execute(hang, { signal: never, isRetryable: transient })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(signals).toHaveLength(2);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });
});

describe('RetryBudget', () => {
  it('allows retries up to the share of calls in the window', () => {
    const budget = new RetryBudget({ percent: 20, minRetriesPerSecond: 0, windowMs: 10_000, now: () => 0 });
    let granted = 0;
    for (let call = 0; call < 10; call++) {
      budget.recordCall();
      // Every call would like two retries.
      if (budget.tryAcquire()) granted++;
      if (budget.tryAcquire()) granted++;
    }
    expect(granted).toBe(2);
    expect(budget.snapshot()).toMatchObject({ calls: 10, retries: 2, available: 0 });
  });

  it('keeps a reserve of minRetriesPerSecond for quiet systems', () => {
    const budget = new RetryBudget({ percent: 20, minRetriesPerSecond: 0.5, windowMs: 10_000, now: () => 0 });
    budget.recordCall();
    expect([budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire()]).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('forgets calls and retries once they leave the rolling window', () => {
    let now = 0;
    const budget = new RetryBudget({ percent: 50, minRetriesPerSecond: 0, windowMs: 1_000, now: () => now });
    budget.recordCall();
    budget.recordCall();
    expect(budget.tryAcquire()).toBe(true);
    expect(budget.tryAcquire()).toBe(false);
    now = 1_500;
    expect(budget.snapshot()).toMatchObject({ calls: 0, retries: 0 });
    budget.recordCall();
    budget.recordCall();
    expect(budget.tryAcquire()).toBe(true);
  });
});
