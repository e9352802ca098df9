import { EventSource } from './events.js';

/**
 * A bulkhead caps the calls running at once and lets a bounded number wait, each for a bounded
 * time. What does not fit is refused at once, so a slow system cannot pile up every socket, timer
 * and byte of memory the gateway has, and the routes of other systems keep working.
 */

export interface BulkheadOptions {
  /** Calls allowed to run at the same time. */
  readonly maxConcurrent: number;
  /** Calls allowed to wait for a slot; 0 refuses every call that finds no free slot. */
  readonly maxQueue: number;
  /** How long a call may wait for a slot before it is refused. */
  readonly queueTimeoutMs: number;
}

export type BulkheadRejection = 'full' | 'queue-timeout';

/** The bulkhead refused a call: it never ran, so it says nothing about the system behind it. */
export class BulkheadRejectedError extends Error {
  constructor(readonly reason: BulkheadRejection) {
    super(reason === 'full' ? 'every slot and queue place is taken' : 'no slot became free in time');
    this.name = 'BulkheadRejectedError';
  }
}

export function isBulkheadRejectedError(error: unknown): error is BulkheadRejectedError {
  return error instanceof BulkheadRejectedError;
}

export interface BulkheadSnapshot {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly inUse: number;
  readonly queued: number;
  /** Calls refused since start (full or queue timeout). */
  readonly rejected: number;
}

interface Waiter {
  readonly admit: () => void;
}

/**
 * @example
 * const bulkhead = new Bulkhead({ maxConcurrent: 10, maxQueue: 20, queueTimeoutMs: 500 });
 * const reply = await bulkhead.execute(() => send(request, signal), signal);
 */
export class Bulkhead {
  /** When a call is refused (full, or no slot in time). */
  readonly onReject = new EventSource<{ readonly reason: BulkheadRejection }>();
  private inUse = 0;
  private rejected = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly options: BulkheadOptions) {}

  /**
   * Runs `work` when a slot is free. Rejects with a `BulkheadRejectedError` when the queue is full
   * or the wait times out, and with `signal.reason` when the signal fires while waiting.
   */
  async execute<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.inUse < this.options.maxConcurrent && this.queue.length === 0) this.inUse++;
    else await this.wait(signal);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  snapshot(): BulkheadSnapshot {
    const { maxConcurrent, maxQueue } = this.options;
    return { maxConcurrent, maxQueue, inUse: this.inUse, queued: this.queue.length, rejected: this.rejected };
  }

  /** Resolves when a releasing call hands its slot over (the slot count stays the same). */
  private wait(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.queue.length >= this.options.maxQueue) {
      this.rejected++;
      this.onReject.emit({ reason: 'full' });
      return Promise.reject(new BulkheadRejectedError('full'));
    }
    return new Promise<void>((resolve, reject) => {
      const leave = (error: unknown): void => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        cleanUp();
        reject(error);
      };
      const onAbort = (): void => leave(signal?.reason);
      const timer = setTimeout(() => {
        this.rejected++;
        this.onReject.emit({ reason: 'queue-timeout' });
        leave(new BulkheadRejectedError('queue-timeout'));
      }, this.options.queueTimeoutMs);
      timer.unref();
      const cleanUp = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        admit: () => {
          cleanUp();
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next.admit();
    else this.inUse--;
  }
}
