import { fullJitterDelay } from './backoff.js';
import { EventSource } from './events.js';
import { settle, unwrap, type Outcome } from './outcome.js';
import type { RetryBudget } from './retry-budget.js';
import { runWithTimeout } from './timeout-signal.js';

/**
 * Tries a call again when it failed in a way that may pass: with exponential backoff and full
 * jitter, at most `maxAttempts` times, only while the retry budget allows, never past the deadline,
 * and never when the caller says no (for example because the circuit breaker is open).
 */

export interface RetryOptions {
  /** Attempts in all, the first one included; 1 never retries. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A deadline for each attempt, so a hung attempt leaves time for another; none by default. */
  readonly attemptTimeoutMs?: number;
  readonly budget: RetryBudget;
  /** Uniform in [0, 1), for the jitter; `Math.random` by default. */
  readonly random?: () => number;
}

export interface RetryContext<T> {
  /** Aborts the attempt in flight and any wait between attempts. */
  readonly signal: AbortSignal;
  /** `performance.now()` time by which everything must be over: no retry that cannot start before it. */
  readonly deadlineAt?: number;
  /** Whether this outcome of an attempt is worth another (a transient failure). */
  readonly isRetryable: (outcome: Outcome<T>) => boolean;
  /** Asked right before each retry; false stops retrying (the breaker opened, …). */
  readonly mayRetry?: () => boolean;
}

export interface RetryEvent {
  /** The attempt about to start: 2 for the first retry. */
  readonly attempt: number;
  readonly delayMs: number;
}

export type RetryRefusal = 'max-attempts' | 'not-allowed' | 'deadline' | 'budget';

export class Retry {
  /** Before each retry's wait. */
  readonly onRetry = new EventSource<RetryEvent>();
  /** When a retryable outcome is not retried, and why. */
  readonly onGiveUp = new EventSource<{ readonly attempt: number; readonly reason: RetryRefusal }>();

  constructor(private readonly options: RetryOptions) {}

  get budget(): RetryBudget {
    return this.options.budget;
  }

  get maxAttempts(): number {
    return this.options.maxAttempts;
  }

  /**
   * Runs `attempt` until it succeeds, settles in a way that is not retryable, or no retry is left.
   * Resolves or rejects like the last attempt; rejects with `signal.reason` if aborted while waiting.
   *
   * @example
   * const reply = await retry.execute((signal) => send(request, signal), {
   *   signal, deadlineAt, isRetryable: (outcome) => !outcome.ok && isTransient(outcome.error) });
   */
  async execute<T>(attempt: (signal: AbortSignal, attemptNumber: number) => Promise<T>, context: RetryContext<T>): Promise<T> {
    this.options.budget.recordCall();
    for (let attemptNumber = 1; ; attemptNumber++) {
      const outcome = await settle(() => this.attemptOnce(attempt, context.signal, attemptNumber));
      if (context.signal.aborted || !context.isRetryable(outcome)) return unwrap(outcome);
      const delayMs = fullJitterDelay(attemptNumber, this.options, this.options.random);
      const refusal = this.refusal(attemptNumber, delayMs, context);
      if (refusal) {
        this.onGiveUp.emit({ attempt: attemptNumber, reason: refusal });
        return unwrap(outcome);
      }
      this.onRetry.emit({ attempt: attemptNumber + 1, delayMs });
      await sleep(delayMs, context.signal);
    }
  }

  /** Why no retry may follow attempt `attemptNumber`; the budget is asked last, as asking spends it. */
  private refusal<T>(attemptNumber: number, delayMs: number, context: RetryContext<T>): RetryRefusal | undefined {
    if (attemptNumber >= this.options.maxAttempts) return 'max-attempts';
    if (context.mayRetry && !context.mayRetry()) return 'not-allowed';
    if (context.deadlineAt !== undefined && performance.now() + delayMs >= context.deadlineAt) return 'deadline';
    if (!this.options.budget.tryAcquire()) return 'budget';
    return undefined;
  }

  private attemptOnce<T>(attempt: (signal: AbortSignal, attemptNumber: number) => Promise<T>, signal: AbortSignal, attemptNumber: number): Promise<T> {
    const { attemptTimeoutMs } = this.options;
    if (attemptTimeoutMs === undefined) return attempt(signal, attemptNumber);
    return runWithTimeout(signal, attemptTimeoutMs, (bounded) => attempt(bounded, attemptNumber));
  }
}

/** Waits `ms`; rejects with `signal.reason` as soon as the signal fires. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
