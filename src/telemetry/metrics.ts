import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { stages as flagStages, type Flag, type ShadowOutcome } from '../strangler/index.js';
import type { UpstreamEvent, UpstreamMeasurement, UpstreamSnapshot } from '../upstream/index.js';
import type { RequestRecorder } from './request-middleware.js';

/**
 * The gateway's Prometheus metrics, all named `ficus_…`, in a registry of its own (never the
 * global one: several gateways may share a process). Labels are bounded: route ids, upstream
 * and operation names from the configuration, and small fixed sets (status codes, outcomes).
 *
 * Counters follow the events the modules emit (upstream attempts, retries, bulkhead refusals,
 * breaker transitions, shadow comparisons); gauges (breaker states, bulkheads, flags) are read
 * from the serving runtime when scraped, so they are right after any reload.
 */

/** What metrics watch of a set of upstreams (an `UpstreamRegistry`). */
export interface MeasuredUpstreams {
  onEvent(listener: (event: UpstreamEvent) => void): unknown;
  onMeasurement(listener: (measurement: UpstreamMeasurement) => void): unknown;
  snapshot(): Readonly<Record<string, UpstreamSnapshot>>;
}

/** What metrics watch of strangler-fig routing (a `Strangler`). */
export interface MeasuredStrangler {
  readonly flags: { snapshot(): { readonly flags: Readonly<Record<string, Flag>> }; flagOf(route: string): Flag };
  onShadowOutcome(listener: (outcome: ShadowOutcome) => void): unknown;
}

/** One serving configuration: its upstreams and its strangler. */
export interface MeasuredRuntime {
  readonly upstreams: MeasuredUpstreams;
  readonly strangler?: MeasuredStrangler;
}

export interface GatewayMetricsOptions {
  /** Node.js process metrics (`ficus_process_…`, `ficus_nodejs_…`) in `render()`; default true. */
  readonly processMetrics?: boolean;
}

let processRegistry: Registry | undefined;

/**
 * Node.js process metrics: one set per process, shared by its gateways (they describe the
 * process, and each set runs an event-loop monitor and a GC observer for good).
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'ficus_' });
  }
  return processRegistry;
}

type Child = { inc(): void } | { observe(value: number): void };

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const breakerStates = { closed: 0, 'half-open': 1, open: 2 } as const;

export class GatewayMetrics implements RequestRecorder {
  /** This gateway's own metrics. */
  readonly registry = new Registry();
  /** What `render()` shows: the gateway's metrics and, unless turned off, the process's. */
  private readonly exposed: Registry;
  private runtime: MeasuredRuntime | undefined;
  private readonly watched = new WeakSet<object>();
  /** Children of labelled metrics by label values, so the hot path hashes no label objects. */
  private readonly children = new Map<object, Map<string, Child>>();

  private readonly requests = this.counter('ficus_requests_total', 'Requests answered, by route (`none`: no route matched), target (legacy, modern, none) and HTTP status.', ['route', 'target', 'status']);
  private readonly requestSeconds = this.histogram('ficus_request_duration_seconds', 'Time to answer a request, by route, target and HTTP status.', ['route', 'target', 'status']);
  private readonly upstreamCalls = this.counter(
    'ficus_upstream_calls_total',
    'Upstream calls, one per attempt (a retried call counts each attempt), by upstream, operation and outcome.',
    ['upstream', 'operation', 'outcome'],
  );
  private readonly upstreamSeconds = this.histogram('ficus_upstream_call_duration_seconds', 'Duration of one upstream attempt, by upstream, operation and outcome.', ['upstream', 'operation', 'outcome']);
  private readonly retries = this.counter('ficus_upstream_retries_total', 'Retries started (attempts after the first), by upstream.', ['upstream']);
  private readonly budgetExhausted = this.counter('ficus_upstream_retry_budget_exhausted_total', 'Retries not made because the retry budget was spent, by upstream.', ['upstream']);
  private readonly bulkheadRejected = this.counter('ficus_bulkhead_rejected_total', 'Calls the bulkhead refused, by upstream and reason (full, queue_timeout).', ['upstream', 'reason']);
  private readonly breakerTransitions = this.counter(
    'ficus_breaker_transitions_total',
    'Circuit breaker state changes, by upstream, breaker (`*` or the operation) and new state.',
    ['upstream', 'breaker', 'to'],
  );
  private readonly shadowComparisons = this.counter('ficus_shadow_comparisons_total', 'Shadow calls by route and outcome (matched, mismatched, secondary_failed, skipped).', ['route', 'outcome']);
  private readonly configVersion = new Gauge({ name: 'ficus_config_version', help: 'Version of the configuration serving (1 at start, +1 per successful reload).', registers: [this.registry] });
  private readonly configLoadedAt = new Gauge({ name: 'ficus_config_loaded_timestamp_seconds', help: 'When the configuration serving was loaded (Unix time).', registers: [this.registry] });
  private readonly reloadFailures = this.counter('ficus_config_reload_failures_total', 'Reloads refused (invalid configuration or failing mapping examples); the previous configuration kept serving.', []);

  constructor(options: GatewayMetricsOptions = {}) {
    const upstreams = (): Array<[string, UpstreamSnapshot]> => Object.entries(this.runtime?.upstreams.snapshot() ?? {});
    this.gauge('ficus_breaker_state', 'Circuit breaker state: 0 closed, 1 half-open, 2 open; by upstream and breaker (`*` or the operation).', ['upstream', 'breaker'], (set) => {
      for (const [upstream, snapshot] of upstreams()) {
        for (const [breaker, state] of Object.entries(snapshot.breakers ?? {})) set({ upstream, breaker }, breakerStates[state.state]);
      }
    });
    this.gauge('ficus_bulkhead_in_use', 'Calls holding a bulkhead slot, by upstream.', ['upstream'], (set) => {
      for (const [upstream, snapshot] of upstreams()) set({ upstream }, snapshot.bulkhead.inUse);
    });
    this.gauge('ficus_bulkhead_queued', 'Calls waiting for a bulkhead slot, by upstream.', ['upstream'], (set) => {
      for (const [upstream, snapshot] of upstreams()) set({ upstream }, snapshot.bulkhead.queued);
    });
    this.gauge('ficus_route_flag', "Each route's flag stage: 1 for the stage that routes it, 0 for the others.", ['route', 'stage'], (set) => {
      for (const [route, flag] of this.flags()) for (const stage of flagStages) set({ route, stage }, flag.stage === stage ? 1 : 0);
    });
    this.gauge('ficus_route_canary_percent', "Share of a canary route's keys sent to modern (0-100); 0 unless the stage is canary.", ['route'], (set) => {
      for (const [route, flag] of this.flags()) set({ route }, flag.stage === 'canary' ? (flag.percent ?? 0) : 0);
    });
    this.exposed = (options.processMetrics ?? true) ? Registry.merge([this.registry, processMetrics()]) : this.registry;
  }

  /** The Content-Type of `render()`. */
  get contentType(): string {
    return this.exposed.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.exposed.metrics();
  }

  /**
   * Watches a runtime's upstreams and strangler (each once, however often it is bound: a reload
   * may keep the upstreams) and makes it the one gauges are read from.
   */
  bind(runtime: MeasuredRuntime): void {
    this.runtime = runtime;
    const { upstreams, strangler } = runtime;
    if (!this.watched.has(upstreams)) {
      this.watched.add(upstreams);
      upstreams.onEvent((event) => this.upstreamEvent(event));
      upstreams.onMeasurement((measurement) => this.upstreamMeasurement(measurement));
    }
    if (strangler && !this.watched.has(strangler)) {
      this.watched.add(strangler);
      strangler.onShadowOutcome(({ route, outcome }) => this.count(this.shadowComparisons, route, outcome));
    }
  }

  /** A configuration was loaded and serves now (at start and after each successful reload). */
  configLoaded(version: number, at: Date = new Date()): void {
    this.configVersion.set(version);
    this.configLoadedAt.set(at.getTime() / 1000);
  }

  /** A reload was refused. */
  reloadFailed(): void {
    this.reloadFailures.inc();
  }

  observeRequest(route: string, target: string, status: number, seconds: number): void {
    const labels = [route, target, String(status)] as const;
    this.count(this.requests, ...labels);
    this.observe(this.requestSeconds, seconds, ...labels);
  }

  private upstreamEvent(event: UpstreamEvent): void {
    if (event.kind !== 'breaker') return;
    const breaker = event.breaker === event.upstream ? '*' : event.breaker.slice(event.upstream.length + 1);
    this.count(this.breakerTransitions, event.upstream, breaker, event.to);
  }

  private upstreamMeasurement(measurement: UpstreamMeasurement): void {
    switch (measurement.kind) {
      case 'attempt': {
        const labels = [measurement.upstream, measurement.operation, measurement.outcome] as const;
        this.count(this.upstreamCalls, ...labels);
        this.observe(this.upstreamSeconds, measurement.seconds, ...labels);
        return;
      }
      case 'retry':
        return this.count(this.retries, measurement.upstream);
      case 'retry-budget-exhausted':
        return this.count(this.budgetExhausted, measurement.upstream);
      case 'bulkhead-rejected':
        return this.count(this.bulkheadRejected, measurement.upstream, measurement.reason.replace('-', '_'));
    }
  }

  private count(counter: Counter<string>, ...labels: string[]): void {
    this.child(counter, labels, () => counter.labels(...labels)).inc();
  }

  private observe(histogram: Histogram<string>, value: number, ...labels: string[]): void {
    this.child(histogram, labels, () => histogram.labels(...labels)).observe(value);
  }

  private child<T extends Child>(metric: object, labels: readonly string[], make: () => T): T {
    let children = this.children.get(metric);
    if (!children) this.children.set(metric, (children = new Map()));
    const key = labels.join('\u0000');
    let child = children.get(key) as T | undefined;
    if (!child) children.set(key, (child = make()));
    return child;
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets: latencyBuckets, registers: [this.registry] });
  }

  /** A gauge read from the serving runtime at each scrape: `read` sets every series anew. */
  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[], read: (set: (labels: Record<L, string>, value: number) => void) => void): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        read((labels, value) => this.set(labels, value));
      },
    });
  }

  private flags(): Array<[string, Flag]> {
    const flags = this.runtime?.strangler?.flags;
    if (!flags) return [];
    return Object.keys(flags.snapshot().flags).map((route) => [route, flags.flagOf(route)]);
  }
}
