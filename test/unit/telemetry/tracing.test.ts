import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { incomingTraceContext, otlpTracesUrl, passThroughTracing, type HeaderGetter } from '../../../src/telemetry/index.js';

const headers =
  (values: Record<string, string>): HeaderGetter =>
  (name) =>
    values[name];

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('W3C trace context with tracing off', () => {
  it("passes the client's traceparent and tracestate through unchanged, to every attempt", () => {
    const span = passThroughTracing.startRequest(headers({ traceparent, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' }), 'GET');
    expect(span.isRecording()).toBe(false);
    const child = passThroughTracing.startChild(span, 'crm GetCustomerDetails', SpanKind.CLIENT);
    expect(passThroughTracing.headersOf(child)).toEqual({ traceparent, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' });
  });

  it('keeps an unsampled flag as the client sent it', () => {
    const unsampled = traceparent.replace(/-01$/, '-00');
    expect(passThroughTracing.headersOf(passThroughTracing.startRequest(headers({ traceparent: unsampled }), 'GET'))).toEqual({ traceparent: unsampled });
  });

  it('starts a new sampled trace without a traceparent, or with an invalid one', () => {
    const invalid: Array<Record<string, string>> = [{}, { traceparent: 'garbage' }, { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }, { traceparent: 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }];
    for (const sent of invalid) {
      const made = passThroughTracing.headersOf(passThroughTracing.startRequest(headers(sent), 'GET'))['traceparent'];
      expect(made).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(made).not.toContain('4bf92f3577b34da6a3ce929d0e0e4736');
    }
    const [a, b] = [0, 1].map(() => passThroughTracing.startRequest(headers({}), 'GET').spanContext().traceId);
    expect(a).not.toBe(b);
  });

  it('reads the incoming context', () => {
    expect(incomingTraceContext(headers({ traceparent }))).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    expect(incomingTraceContext(headers({}))).toBeUndefined();
  });
});

describe('where spans are exported', () => {
  it('is off unless an endpoint is configured', () => {
    expect(otlpTracesUrl({}, {})).toBeUndefined();
  });

  it('takes gateway.yaml first, then the OTLP environment variables, and appends /v1/traces to a base URL', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom' };
    expect(otlpTracesUrl({ endpoint: 'http://collector:4318/' }, env)).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl({ endpoint: 'http://collector:4318/v1/traces' }, env)).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl({}, env)).toBe('http://traces:4318/custom');
    expect(otlpTracesUrl({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' })).toBe('http://env:4318/v1/traces');
  });

  it('is off when OTEL_SDK_DISABLED=true', () => {
    expect(otlpTracesUrl({ endpoint: 'http://collector:4318' }, { OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });
});
