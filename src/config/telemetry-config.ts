import { z } from 'zod';

/**
 * gateway.yaml `telemetry`: what must never be logged, and where traces go. Metrics need no
 * configuration (`GET /metrics` on the admin port); logs are always one JSON line per request.
 */

/** A field of a route's input: `params.id`, `query.name`, `body.taxId`, `body.contacts.*.phone`. */
const inputField = z
  .string()
  .regex(
    /^(params|query|body)(\.([A-Za-z_$][\w$-]*|\*))+$/,
    'a field of the route input like params.id, query.name or body.address.street (* matches any one name)',
  );

const otlpConfigSchema = z
  .object({
    /**
     * The OTLP/HTTP collector, e.g. http://otel-collector:4318 (`/v1/traces` is appended unless
     * the URL ends with it). Absent, with OTEL_EXPORTER_OTLP_ENDPOINT and
     * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT unset too: no spans are recorded or exported.
     */
    endpoint: z.url({ protocol: /^https?$/, error: 'an http(s) URL like http://otel-collector:4318' }).optional(),
    /** Extra headers of every export, e.g. an API key as `${VAR}`. */
    headers: z.record(z.string(), z.string()).default({}),
    /** `service.name` of the spans (OTEL_SERVICE_NAME wins). */
    serviceName: z.string().min(1).default('ficus'),
    /** Share of new traces recorded (0-1); a client's sampled flag is followed. */
    sampleRatio: z.number().min(0).max(1).default(1),
    /** Spans are sent in batches at most this far apart. */
    batchDelayMs: z.number().int().min(1).max(60_000).default(5_000),
  })
  .strict();

export const telemetryConfigSchema = z
  .object({
    /**
     * Fields of the route input that must never appear in a log line (personal data): the debug
     * request line, which shows `params` and `query`, prints `[redacted]` in their place.
     */
    redact: z.array(inputField).default([]),
    otlp: otlpConfigSchema.prefault({}),
  })
  .strict();

export type TelemetryConfig = z.output<typeof telemetryConfigSchema>;
export type OtlpConfig = TelemetryConfig['otlp'];
