import { randomFillSync } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Attributes, type Span, type SpanContext, type TextMapGetter, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import type { OtlpConfig } from '../config/index.js';

/**
 * W3C trace context and OpenTelemetry spans. Spans are recorded and exported over OTLP/HTTP only
 * when an endpoint is configured; otherwise nothing is recorded, and the client's `traceparent`
 * (or a new trace id) still travels to every upstream call, so upstream logs correlate.
 *
 * Each gateway has its own tracer provider, used directly (no global registration, no context
 * manager): the request's span is handed down explicitly, with the request.
 */

/** Reads one request header (lower-case name). */
export type HeaderGetter = (name: string) => string | undefined;

export interface Tracing {
  /** True when spans are recorded and exported. */
  readonly exporting: boolean;
  /** The request's server span: a child of the client's `traceparent`, or the root of a new trace. */
  startRequest(header: HeaderGetter, name: string, attributes?: Attributes): Span;
  /** A child of `parent`; `parent` itself when it is not recorded (nothing is created then). */
  startChild(parent: Span, name: string, kind: SpanKind, attributes?: Attributes): Span;
  /** `traceparent` (and `tracestate`) naming `span` as the caller. */
  headersOf(span: Span): Record<string, string>;
  /** Sends what is buffered. */
  flush(): Promise<void>;
  /** Sends what is buffered (at most `timeoutMs`) and stops. */
  shutdown(timeoutMs?: number): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<HeaderGetter> = { get: (header, key) => header(key), keys: () => ['traceparent', 'tracestate'] };

/** The client's trace context, if it sent a valid `traceparent`. */
export function incomingTraceContext(header: HeaderGetter): SpanContext | undefined {
  if (header('traceparent') === undefined) return undefined;
  return trace.getSpanContext(propagator.extract(ROOT_CONTEXT, header, headerGetter));
}

function traceHeaders(context: SpanContext): Record<string, string> {
  const headers: Record<string, string> = { traceparent: `00-${context.traceId}-${context.spanId}-${context.traceFlags.toString(16).padStart(2, '0')}` };
  const state = context.traceState?.serialize();
  if (state) headers['tracestate'] = state;
  return headers;
}

/**
 * Tracing off: no span is recorded. The client's trace context passes through unchanged (the
 * upstream's parent is the client's span); without one, a new trace starts here, flagged sampled
 * so that systems behind the gateway with parent-based sampling still record their part.
 */
export const passThroughTracing: Tracing = {
  exporting: false,
  startRequest(header) {
    return trace.wrapSpanContext(incomingTraceContext(header) ?? { traceId: randomId(16), spanId: randomId(8), traceFlags: TraceFlags.SAMPLED });
  },
  startChild: (parent) => parent,
  headersOf: (span) => traceHeaders(span.spanContext()),
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** Tracing on: spans recorded by an SDK tracer provider and exported in batches. */
class ExportingTracing implements Tracing {
  readonly exporting = true;

  constructor(
    private readonly provider: TracerProvider,
    private readonly tracer: Tracer,
  ) {}

  startRequest(header: HeaderGetter, name: string, attributes?: Attributes): Span {
    const incoming = incomingTraceContext(header);
    const parent = incoming ? trace.setSpanContext(ROOT_CONTEXT, incoming) : ROOT_CONTEXT;
    return this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  }

  startChild(parent: Span, name: string, kind: SpanKind, attributes?: Attributes): Span {
    if (!parent.isRecording()) return parent;
    return this.tracer.startSpan(name, { kind, attributes }, trace.setSpan(ROOT_CONTEXT, parent));
  }

  headersOf(span: Span): Record<string, string> {
    return traceHeaders(span.spanContext());
  }

  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  async shutdown(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([this.provider.shutdown().catch(() => undefined), late]);
    clearTimeout(timer);
  }
}

/**
 * Where spans go: `telemetry.otlp.endpoint` in gateway.yaml, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * (used as is), else OTEL_EXPORTER_OTLP_ENDPOINT; `/v1/traces` is appended to a base URL.
 * Undefined (tracing off) when none is set or OTEL_SDK_DISABLED=true.
 */
export function otlpTracesUrl(config: Pick<OtlpConfig, 'endpoint'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return undefined;
  if (config.endpoint) return withTracesPath(config.endpoint);
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  if (traces) return traces;
  const shared = env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  return shared ? withTracesPath(shared) : undefined;
}

function withTracesPath(url: string): string {
  return /\/v1\/traces\/?$/.test(url) ? url : `${url.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * The tracing of one gateway. The OpenTelemetry SDK and exporter are loaded only when spans are
 * exported: with tracing off, they cost nothing.
 */
export async function createTracing(config: OtlpConfig, env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  const url = otlpTracesUrl(config, env);
  if (url === undefined) return passThroughTracing;
  const [sdk, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = new OTLPTraceExporter({ url, headers: { ...config.headers } });
  const root = config.sampleRatio >= 1 ? new sdk.AlwaysOnSampler() : new sdk.TraceIdRatioBasedSampler(config.sampleRatio);
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME'] || config.serviceName }),
    sampler: new sdk.ParentBasedSampler({ root }),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter, scheduledDelayMillis: config.batchDelayMs })],
  });
  return new ExportingTracing(provider, provider.getTracer('ficus'));
}

/** Random bytes drawn from a pool refilled 4 KiB at a time (as `randomUUID` does): one call per id is slow. */
const randomPool = Buffer.alloc(4096);
let randomOffset = randomPool.length;

function randomId(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  randomOffset += bytes;
  return randomPool.toString('hex', randomOffset - bytes, randomOffset);
}
