import { CircuitBreaker, type BreakerSnapshot, type BreakerStateChange, type Listener } from '../../resilience/index.js';
import { classifyReply, type Call, type Stage, type UpstreamReply, type UpstreamRequest } from '../call.js';
import { isUpstreamFault } from '../upstream-error.js';

export interface BreakerPolicy {
  /** One breaker per operation instead of one per upstream. */
  readonly perOperation: boolean;
  readonly volumeThreshold: number;
  readonly errorThresholdPercent: number;
  readonly windowMs: number;
  readonly windowBuckets: number;
  readonly resetTimeoutMs: number;
}

/** A reply with its verdict, so the breaker judges without classifying twice. */
interface JudgedReply {
  readonly reply: UpstreamReply;
  readonly failed: boolean;
}

/**
 * The breakers of one upstream: a single one, or one per operation (made on the operation's first
 * call; operations are a fixed set from the mappings). Only upstream failures count: replies
 * classified `server-error` (SOAP server faults, 5xx, garbage), connection errors and timeouts.
 * Client faults are successes: the upstream answered.
 */
export class BreakerGroup {
  private readonly breakers = new Map<string, CircuitBreaker<JudgedReply>>();
  private readonly listeners: Array<Listener<BreakerStateChange>> = [];

  constructor(
    private readonly upstream: string,
    private readonly policy: BreakerPolicy,
  ) {}

  /** The breaker a request goes through. */
  for(request: Pick<UpstreamRequest, 'operation'>): CircuitBreaker<JudgedReply> {
    const key = this.keyOf(request);
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker<JudgedReply>({
        ...this.policy,
        name: this.policy.perOperation ? `${this.upstream}/${request.operation}` : this.upstream,
        isFailure: (outcome) => (outcome.ok ? outcome.value.failed : isUpstreamFault(outcome.error)),
      });
      for (const listener of this.listeners) breaker.onStateChange.on(listener);
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  /** True while the request's breaker refuses calls: no retry should be tried. */
  isOpen(request: Pick<UpstreamRequest, 'operation'>): boolean {
    return this.breakers.get(this.keyOf(request))?.state === 'open';
  }

  /** Listens to every breaker of the group, present and future. */
  onStateChange(listener: Listener<BreakerStateChange>): void {
    this.listeners.push(listener);
    for (const breaker of this.breakers.values()) breaker.onStateChange.on(listener);
  }

  /** Keyed by `*` (the whole upstream) or by operation. */
  snapshot(): Record<string, BreakerSnapshot> {
    return Object.fromEntries([...this.breakers].map(([key, breaker]) => [key, breaker.snapshot()]));
  }

  close(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
  }

  private keyOf(request: Pick<UpstreamRequest, 'operation'>): string {
    return this.policy.perOperation ? request.operation : '*';
  }
}

/**
 * Sends a call through its breaker. A server-error reply is a failure for the breaker's counts
 * and still the caller's reply (the target maps the SOAP fault).
 */
export function guard(breakers: BreakerGroup): Stage {
  return (next: Call): Call =>
    async function guarded(request, signal) {
      const judged = await breakers.for(request).execute(async () => {
        const reply = await next(request, signal);
        return { reply, failed: classifyReply(request, reply) === 'server-error' };
      });
      return judged.reply;
    };
}
