import { isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { GatewayError } from '../problem/index.js';
import { problemResponse } from './problem-response.js';

/** Requests per client, as a token bucket: `burst` at once, then `requestsPerSecond`. */
export interface RateLimitOptions {
  readonly enabled: boolean;
  readonly requestsPerSecond: number;
  readonly burst: number;
  /**
   * The client is the remote address, or the last entry of this header when a trusted proxy in
   * front of Ficus sets it (e.g. `x-forwarded-for`: the entry the proxy appended).
   */
  readonly clientHeader?: string;
  /** Clients remembered at once; the least recently seen are forgotten first. */
  readonly maxClients: number;
  readonly problemTypeBase: string;
  /** For tests: milliseconds, monotonic. */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets per client key, in a Map kept in least-recently-used order so memory stays
 * bounded whatever the number of addresses a flood comes from.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: Pick<RateLimitOptions, 'requestsPerSecond' | 'burst' | 'maxClients'>) {}

  /** Takes a token for `key`: 0 when allowed, else the seconds until one is available. */
  take(key: string, now: number): number {
    const { requestsPerSecond, burst, maxClients } = this.options;
    const found = this.buckets.get(key);
    const bucket = found ?? { tokens: burst, at: now };
    if (found) this.buckets.delete(key);
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * requestsPerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / requestsPerSecond;
  }

  get size(): number {
    return this.buckets.size;
  }
}

/**
 * Refuses a client's requests beyond its rate with 429 `too-many-requests` and `Retry-After`.
 *
 * @example
 * app.use(rateLimit({ enabled: true, requestsPerSecond: 200, burst: 400, maxClients: 100_000, problemTypeBase }));
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  if (!options.enabled) return (_c, next) => next();
  const buckets = new TokenBuckets(options);
  const now = options.now ?? (() => performance.now());
  const header = options.clientHeader;
  return async function limited(c, next) {
    const wait = buckets.take(clientKey(c, header), now());
    if (wait === 0) return next();
    const seconds = Math.max(1, Math.ceil(wait));
    const error = GatewayError.of('too-many-requests', `Slow down: at most ${options.requestsPerSecond} requests per second per client.`, { retryAfterSeconds: seconds });
    return problemResponse(error, options.problemTypeBase, c, { 'x-request-id': c.get('requestId') as string | undefined });
  };
}

/** The client: the trusted header's last entry if set and present, else the remote address. */
function clientKey(c: Context, header: string | undefined): string {
  if (header !== undefined) {
    const value = c.req.header(header);
    const last = value?.split(',').at(-1)?.trim();
    if (last) return normalizeAddress(last);
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return normalizeAddress(incoming?.socket?.remoteAddress ?? 'unknown');
}

/**
 * An IPv4-mapped IPv6 address is its IPv4 address; an IPv6 address counts by its /64 network, since
 * one host commonly has a whole /64 to rotate through.
 */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const front = head === '' ? [] : head.split(':');
  const back = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back] : front;
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
