/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * the wait before retry n is uniform in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))), so clients
 * that failed together do not come back together.
 */
export interface BackoffOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * @param retry 1 for the first retry (the second attempt), 2 for the next …
 * @param random uniform in [0, 1); `Math.random` unless a test needs a fixed sequence
 */
export function fullJitterDelay(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
