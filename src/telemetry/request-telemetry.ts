import { SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Tracing } from './tracing.js';

/**
 * What travels with one request down to the upstream stages: its id, its trace context and
 * the count of upstream attempts, which the request's log line reports.
 */
export interface CallTelemetry {
  /** Starts one upstream attempt: counts it, opens its client span, and gives the headers it must carry. */
  attempt(upstream: string, operation: string, method: string): UpstreamAttempt;
  /** Runs `work` (a mapping step) in a child span that ends when `work` settles. */
  span<T>(name: string, work: () => T, attributes?: Attributes): T;
}

export interface UpstreamAttempt {
  /** `x-request-id`, `traceparent` and `tracestate` for the upstream. */
  readonly headers: Readonly<Record<string, string>>;
  /** `outcome` is the attempt's label in metrics (`ok`, `server_error`, `timeout`, …). */
  end(outcome: string, status?: number, endpoint?: string): void;
}

/** Outcomes that are no failure of the upstream call. */
const fineOutcomes = new Set(['ok', 'client_error']);

/** Spans and attempts of one line of work: the request's own calls, or its shadow call. */
class CallScope implements CallTelemetry {
  attempts = 0;
  private passedOn: Readonly<Record<string, string>> | undefined;

  constructor(
    readonly requestId: string,
    /** The span this scope's spans are children of (the request's server span). */
    readonly parent: Span,
    protected readonly tracing: Tracing,
    private readonly shadow: boolean,
  ) {}

  attempt(upstream: string, operation: string, method: string): UpstreamAttempt {
    const number = ++this.attempts;
    if (!this.parent.isRecording()) {
      // Nothing recorded: every attempt passes on the same ids.
      this.passedOn ??= { 'x-request-id': this.requestId, ...this.tracing.headersOf(this.parent) };
      return { headers: this.passedOn, end: noop };
    }
    const attributes: Attributes = { 'http.request.method': method, 'ficus.upstream': upstream, 'ficus.operation': operation, 'ficus.attempt': number };
    if (this.shadow) attributes['ficus.shadow'] = true;
    const span = this.tracing.startChild(this.parent, `${upstream} ${operation}`, SpanKind.CLIENT, attributes);
    return {
      headers: { 'x-request-id': this.requestId, ...this.tracing.headersOf(span) },
      end(outcome, status, endpoint) {
        span.setAttribute('ficus.outcome', outcome);
        if (status !== undefined) span.setAttribute('http.response.status_code', status);
        if (endpoint !== undefined) span.setAttribute('ficus.endpoint', endpoint);
        if (!fineOutcomes.has(outcome)) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        span.end();
      },
    };
  }

  span<T>(name: string, work: () => T, attributes?: Attributes): T {
    if (!this.parent.isRecording()) return work();
    const span = this.tracing.startChild(this.parent, name, SpanKind.INTERNAL, this.shadow ? { ...attributes, 'ficus.shadow': true } : attributes);
    let result: T;
    try {
      result = work();
    } catch (error) {
      endFailed(span, error);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          endFailed(span, error);
          throw error;
        },
      ) as T;
    }
    span.end();
    return result;
  }
}

/** A route, as the request's telemetry names it (never the raw path: it may hold ids). */
export interface RouteName {
  readonly id: string;
  readonly method: string;
  /** The path template, e.g. `/customers/{id}`. */
  readonly path: string;
}

/**
 * One request's telemetry, made by the request middleware: its id, its server span, the count of
 * upstream attempts and what the request's log line reports.
 */
export class RequestTelemetry extends CallScope {
  route: RouteName | undefined;
  /** legacy or modern, once decided. */
  target: string | undefined;
  /** The route input's params and query, for the debug request line (configured fields redacted). */
  input: { readonly params: unknown; readonly query: unknown } | undefined;
  private logger: Logger | undefined;

  constructor(
    requestId: string,
    span: Span,
    tracing: Tracing,
    private readonly baseLogger: Logger,
  ) {
    super(requestId, span, tracing, false);
  }

  get traceId(): string {
    return this.parent.spanContext().traceId;
  }

  /** A logger whose lines carry this request's id and trace id (made on first use). */
  get log(): Logger {
    this.logger ??= this.baseLogger.child({ requestId: this.requestId, traceId: this.traceId });
    return this.logger;
  }

  /** The request matched a route: its span is named after the route's template. */
  routed(route: RouteName): void {
    this.route = route;
    if (!this.parent.isRecording()) return;
    this.parent.updateName(`${route.method} ${route.path}`);
    this.parent.setAttributes({ 'http.route': route.path, 'ficus.route': route.id });
  }

  /** The telemetry of the request's shadow call: same trace, its attempts counted apart. */
  shadowCall(): CallTelemetry {
    return new CallScope(this.requestId, this.parent, this.tracing, true);
  }

  /** Ends the request's span. */
  finish(status: number): void {
    if (!this.parent.isRecording()) return;
    this.parent.setAttributes({ 'http.response.status_code': status, 'ficus.upstream_attempts': this.attempts, 'ficus.request_id': this.requestId });
    if (this.target !== undefined) this.parent.setAttribute('ficus.target', this.target);
    if (status >= 500) this.parent.setStatus({ code: SpanStatusCode.ERROR });
    this.parent.end();
  }
}

/** Runs `work` in a span of `telemetry` when there is one (`ficus test` and examples have none). */
export function inSpan<T>(telemetry: CallTelemetry | undefined, name: string, work: () => T, attributes?: Attributes): T {
  return telemetry ? telemetry.span(name, work, attributes) : work();
}

function endFailed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : undefined });
  span.end();
}

function noop(): void {}
