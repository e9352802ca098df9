import type { Limits, UpstreamConfig } from '../config/index.js';
import { GatewayError } from '../problem/index.js';
import {
  Bulkhead,
  EventSource,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  Retry,
  RetryBudget,
  type BreakerSnapshot,
  type BulkheadSnapshot,
  type RetryBudgetSnapshot,
} from '../resilience/index.js';
import { createBalancer, type BalancerKind } from './balancers/index.js';
import { compose, type Call, type Stage, type UpstreamReply, type UpstreamRequest } from './call.js';
import { createDiscovery, type DiscoverySnapshot } from './discovery/index.js';
import type { EndpointSnapshot } from './endpoint.js';
import { EndpointSet } from './endpoint-set.js';
import { ActiveHealthChecker, OutlierDetector, selectCandidates } from './health/index.js';
import type { UpstreamMeasurement } from './measurement.js';
import { balance, BreakerGroup, deadline, guard, isolate, observe, retrying, secure } from './stages/index.js';
import { loadTlsOptions } from './tls.js';
import { isUpstreamError, type UpstreamError } from './upstream-error.js';
import type { UpstreamEvent } from './upstream-event.js';
import { loadWsSecurity } from './ws-security.js';

/** What an upstream reports about itself, for `GET /admin/upstreams`. */
export interface UpstreamSnapshot {
  readonly balancer: BalancerKind;
  readonly discovery: DiscoverySnapshot;
  /** True while too few endpoints are available and all of them take traffic. */
  readonly panic: boolean;
  readonly endpoints: readonly EndpointSnapshot[];
  /** Endpoints discovery dropped that still finish calls in flight. */
  readonly draining: number;
  /** Keyed by `*` (one breaker for the upstream) or by operation; null when breakers are off. */
  readonly breakers: Readonly<Record<string, BreakerSnapshot>> | null;
  readonly bulkhead: BulkheadSnapshot;
  readonly retry: { readonly maxAttempts: number; readonly budget: RetryBudgetSnapshot };
}

/** Seconds a client is told to wait when the bulkhead is full: it frees up as calls finish. */
const BULKHEAD_RETRY_AFTER_SECONDS = 1;

/**
 * A named backend system. `call()` is the only place that does network I/O to it. Its stages are
 * composed once, here, outermost first:
 *
 *   deadline -> isolate (bulkhead) -> retrying -> observe -> guard (breaker) -> secure -> balance -> endpoint transport
 *
 * - the deadline is outermost, so it bounds queueing and every attempt, and it alone turns a wait
 *   cut short by its signal (for a slot, between attempts, for the first DNS answer) into an
 *   UpstreamError;
 * - the bulkhead is outside the breaker, so its refusals never count as upstream failures, and
 *   outside the retries, so a call and its retries hold one slot (retries add time, not concurrency);
 * - each attempt passes the breaker, so attempts are what it counts and retrying stops once it opens;
 * - each attempt is observed (metrics, its span, request id and trace context sent upstream) above
 *   the breaker, so a refusal by an open breaker is measured too;
 * - WS-Security (when configured) builds each attempt's header just above balancing, so its
 *   timestamp and nonce are as fresh as the attempt;
 * - balancing is innermost, so each attempt picks an endpoint anew and outlier detection sees
 *   each endpoint's own outcomes.
 */
export class Upstream {
  readonly events = new EventSource<UpstreamEvent>();
  /** Per attempt, retry and refusal, for metrics (`UpstreamRegistry.onMeasurement`). */
  readonly measurements = new EventSource<UpstreamMeasurement>();
  private readonly endpoints: EndpointSet;
  private readonly checker: ActiveHealthChecker | undefined;
  private readonly breakers: BreakerGroup | undefined;
  private readonly bulkhead: Bulkhead;
  private readonly retry: Retry;
  private readonly pipeline: Call;

  constructor(
    readonly name: string,
    private readonly config: UpstreamConfig,
    limits: Limits,
  ) {
    // Credentials first: a file that cannot be used stops the start before any timer or socket exists.
    const tls = config.tls && loadTlsOptions(name, config.tls);
    const security = config.security && loadWsSecurity(name, config.security);
    this.endpoints = new EndpointSet(createDiscovery(config), {
      upstream: name,
      maxReplyBytes: limits.maxReplyBytes,
      connectTimeoutMs: config.connectTimeoutMs,
      connections: config.connections,
      tls,
    });
    const outliers = new OutlierDetector(config.outlierDetection);
    this.bulkhead = new Bulkhead(config.bulkhead);
    this.retry = new Retry({ ...config.retry, budget: new RetryBudget(config.retry.budget) });
    this.breakers = config.breaker.enabled ? new BreakerGroup(name, config.breaker) : undefined;
    const breakers = this.breakers;

    const stages: Stage[] = [
      deadline(name, config.timeoutMs),
      isolate(this.bulkhead),
      retrying({ retry: this.retry, blocked: (request) => breakers?.isOpen(request) ?? false }),
      observe({ upstream: name, measured: (measurement) => this.measurements.emit(measurement) }),
    ];
    if (breakers) stages.push(guard(breakers));
    if (security) stages.push(secure(security));
    const balancer = createBalancer(config.balancer);
    this.pipeline = compose(...stages)(
      balance({ upstream: name, endpoints: this.endpoints, balancer, outliers, panicThresholdPercent: config.panicThresholdPercent }),
    );

    this.checker = config.healthCheck ? new ActiveHealthChecker(config.healthCheck, () => this.endpoints.all) : undefined;
    this.breakers?.onStateChange((change) => this.events.emit({ kind: 'breaker', upstream: name, ...change }));
    outliers.onEject.on((ejection) => this.events.emit({ kind: 'ejected', upstream: name, ...ejection }));
    this.checker?.onChange.on((change) => this.events.emit({ kind: 'health', upstream: name, ...change }));
    this.endpoints.onChange.on((change) => this.events.emit({ kind: 'endpoints', upstream: name, ...change }));
    this.retry.onRetry.on(() => this.measurements.emit({ kind: 'retry', upstream: name }));
    this.retry.onGiveUp.on(({ reason }) => {
      if (reason === 'budget') this.measurements.emit({ kind: 'retry-budget-exhausted', upstream: name });
    });
    this.bulkhead.onReject.on(({ reason }) => this.measurements.emit({ kind: 'bulkhead-rejected', upstream: name, reason }));
    this.checker?.start();
  }

  /** Resolves with any HTTP reply (SOAP faults included); rejects with a GatewayError otherwise. */
  async call(request: UpstreamRequest, signal: AbortSignal): Promise<UpstreamReply> {
    try {
      return await this.pipeline(request, signal);
    } catch (error) {
      throw this.toGatewayError(error);
    }
  }

  snapshot(): UpstreamSnapshot {
    const now = Date.now();
    const all = this.endpoints.all;
    return {
      balancer: this.config.balancer,
      discovery: this.endpoints.discovery.snapshot(),
      panic: all.length > 0 && selectCandidates(all, this.config.panicThresholdPercent, now).panic,
      endpoints: all.map((endpoint) => endpoint.snapshot(now)),
      draining: this.endpoints.draining,
      breakers: this.breakers?.snapshot() ?? null,
      bulkhead: this.bulkhead.snapshot(),
      retry: { maxAttempts: this.retry.maxAttempts, budget: this.retry.budget.snapshot() },
    };
  }

  async close(): Promise<void> {
    this.checker?.close();
    this.breakers?.close();
    await this.endpoints.close();
  }

  private toGatewayError(error: unknown): unknown {
    if (isUpstreamError(error)) return upstreamFailure(error);
    if (isBrokenCircuitError(error)) {
      return GatewayError.of('upstream-unavailable', `The ${this.name} system is failing; calls are paused for a moment.`, {
        cause: error,
        retryAfterSeconds: error.retryAfterSeconds,
      });
    }
    if (isBulkheadRejectedError(error)) {
      return GatewayError.of('upstream-unavailable', `The ${this.name} system has too many calls in progress.`, {
        cause: error,
        retryAfterSeconds: BULKHEAD_RETRY_AFTER_SECONDS,
      });
    }
    return error;
  }
}

function upstreamFailure(error: UpstreamError): GatewayError {
  switch (error.failure) {
    case 'timeout':
      return GatewayError.of('upstream-timeout', `The ${error.upstream} system did not answer in time.`, { cause: error });
    case 'too-large':
      return GatewayError.of('bad-upstream-reply', `The ${error.upstream} system sent a reply larger than allowed.`, { cause: error });
    case 'cancelled':
      return GatewayError.of('upstream-unreachable', 'The request was cancelled.', { cause: error });
    default:
      return GatewayError.of('upstream-unreachable', `The ${error.upstream} system could not be reached.`, { cause: error });
  }
}
