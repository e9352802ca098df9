import OpossumBreaker from 'opossum';
import { EventSource } from './events.js';
import type { Outcome } from './outcome.js';

/**
 * A circuit breaker: when too many recent calls failed, calls fail at once for a while instead of
 * adding load to a system that is down; then one trial call decides whether it is back.
 *
 * It wraps opossum 9, used only for its rolling window and state machine. Not used, on purpose
 * (see FIELD-NOTES): its `timeout` (does not cancel the call), its shared `abortController` (one
 * timeout would abort every call), its `capacity` (its rejections count as failures: the bulkhead
 * lives outside), its `healthCheck` (its interval leaks), its latency percentiles and snapshots
 * (both sort or copy the window on a timer or on every failure).
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions<T> {
  /** Names the breaker in errors and snapshots, e.g. `crm` or `crm/GetCustomerDetails`. */
  readonly name: string;
  /** Calls in the window before the error rate may open the breaker (opossum's default, 0, opens on one failure). */
  readonly volumeThreshold: number;
  /** The breaker opens when more than this percentage of the calls in the window failed. */
  readonly errorThresholdPercent: number;
  /** The rolling window, and the buckets it is counted in. */
  readonly windowMs: number;
  readonly windowBuckets: number;
  /** How long the breaker stays open before it lets one trial call through (half-open). */
  readonly resetTimeoutMs: number;
  /**
   * Whether a settled call counts against the protected system. Whatever returns false counts as a
   * success: a value that is a failure (a SOAP server fault is a reply) is still returned to the caller.
   */
  readonly isFailure: (outcome: Outcome<T>) => boolean;
}

/** The breaker is open (or half-open with its trial call in flight): the call was not made. */
export class BrokenCircuitError extends Error {
  constructor(
    readonly breaker: string,
    /** When a call may be let through again. */
    readonly retryAfterMs: number,
  ) {
    super(`the circuit breaker ${breaker} is open`);
    this.name = 'BrokenCircuitError';
  }

  /** For a Retry-After header. */
  get retryAfterSeconds(): number {
    return wholeSecondsAfter(this.retryAfterMs);
  }
}

export function isBrokenCircuitError(error: unknown): error is BrokenCircuitError {
  return error instanceof BrokenCircuitError;
}

export interface BreakerStateChange {
  readonly breaker: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
}

export interface BreakerSnapshot {
  readonly state: BreakerState;
  /** Counts in the rolling window; `calls` includes the calls refused while open. */
  readonly window: { readonly calls: number; readonly successes: number; readonly failures: number; readonly rejected: number };
  /** Times the breaker opened since start. */
  readonly opened: number;
  /** ISO time the breaker last opened, if it ever did. */
  readonly lastOpenedAt: string | null;
  /** While open: seconds until a trial call is let through. */
  readonly retryAfterSeconds: number | null;
}

/** A failure that opossum must count although the caller gets it back as a value. */
class FailedValue<T> extends Error {
  constructor(readonly value: T) {
    super('a value that counts as a failure');
  }
}

/** opossum's codes for a call it refused: open, or shut down. */
const REFUSED = new Set(['EOPENBREAKER', 'ESHUTDOWN']);

/**
 * @example
 * const breaker = new CircuitBreaker<Reply>({ name: 'crm', volumeThreshold: 20, errorThresholdPercent: 50,
 *   windowMs: 10_000, windowBuckets: 10, resetTimeoutMs: 10_000, isFailure: (o) => !o.ok || o.value.status >= 500 });
 * breaker.onStateChange(({ from, to }) => log.warn({ from, to }, 'breaker'));
 * const reply = await breaker.execute(() => send(request, signal));
 */
export class CircuitBreaker<T> {
  readonly onStateChange = new EventSource<BreakerStateChange>();
  private readonly opossum: OpossumBreaker<[() => Promise<T>], T>;
  private current: BreakerState = 'closed';
  private openedAt = 0;
  private timesOpened = 0;

  constructor(private readonly options: BreakerOptions<T>) {
    const { isFailure } = options;
    this.opossum = new OpossumBreaker(
      async (work: () => Promise<T>): Promise<T> => {
        const value = await work();
        if (isFailure({ ok: true, value })) throw new FailedValue(value);
        return value;
      },
      {
        name: options.name,
        volumeThreshold: options.volumeThreshold,
        errorThresholdPercentage: options.errorThresholdPercent,
        rollingCountTimeout: options.windowMs,
        rollingCountBuckets: options.windowBuckets,
        resetTimeout: options.resetTimeoutMs,
        timeout: false,
        rollingPercentilesEnabled: false,
        enableSnapshots: false,
        // A filtered error counts as a success: whatever is not a failure of the system.
        errorFilter: (error: unknown) => !(error instanceof FailedValue) && !isFailure({ ok: false, error }),
      },
    );
    this.opossum.on('open', () => {
      this.openedAt = Date.now();
      this.timesOpened++;
      this.moveTo('open');
    });
    this.opossum.on('halfOpen', () => this.moveTo('half-open'));
    this.opossum.on('close', () => this.moveTo('closed'));
  }

  get name(): string {
    return this.options.name;
  }

  get state(): BreakerState {
    return this.current;
  }

  /**
   * Runs `work` unless the breaker is open; rejects with a `BrokenCircuitError` if it is.
   * Settles like `work`, also when its value counted as a failure.
   */
  async execute(work: () => Promise<T>): Promise<T> {
    try {
      return await this.opossum.fire(work);
    } catch (error) {
      if (error instanceof FailedValue) return error.value as T;
      if (isRefusal(error)) throw new BrokenCircuitError(this.options.name, this.retryAfterMs());
      throw error;
    }
  }

  /** While open, the time left until a trial call; in half-open, the reset timeout (the trial decides). */
  retryAfterMs(): number {
    if (this.current === 'open') return Math.max(0, this.openedAt + this.options.resetTimeoutMs - Date.now());
    return this.current === 'half-open' ? this.options.resetTimeoutMs : 0;
  }

  snapshot(): BreakerSnapshot {
    const stats = this.opossum.stats;
    return {
      state: this.current,
      window: { calls: stats.fires, successes: stats.successes, failures: stats.failures, rejected: stats.rejects },
      opened: this.timesOpened,
      lastOpenedAt: this.timesOpened > 0 ? new Date(this.openedAt).toISOString() : null,
      retryAfterSeconds: this.current === 'open' ? wholeSecondsAfter(this.retryAfterMs()) : null,
    };
  }

  /** Stops opossum's timers; calls after this are refused. */
  shutdown(): void {
    this.opossum.shutdown();
  }

  private moveTo(to: BreakerState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.onStateChange.emit({ breaker: this.options.name, from, to });
  }
}

/** Seconds to wait, rounded up and at least one: a client told 0 would come back at once. */
function wholeSecondsAfter(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function isRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && REFUSED.has(code);
}
