import { z } from 'zod';
import { balancerKinds } from '../upstream/index.js';
import { adminConfigSchema, upstreamTlsConfigSchema, wsSecurityConfigSchema } from './security-config.js';
import { telemetryConfigSchema } from './telemetry-config.js';

/** gateway.yaml: where the mappings are, which upstreams exist, and the safety limits. */

const byteSize = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i, 'a size like 1048576, "512KiB" or "10MiB"').transform(parseByteSize),
]);

const durationMs = z.number().int().positive().max(3_600_000);

const endpointUrl = z
  .string()
  .url('an absolute http(s) URL of one instance, e.g. http://crm.internal:8080/crm')
  .refine((value) => /^https?:\/\//i.test(value), 'only http and https endpoints are supported');

const percent = z.number().min(0).max(100);
const count = (max: number) => z.number().int().min(1).max(max);

/** An endpoint: a URL, or a URL with a weight for the weighted balancers. */
const endpointEntry = z.union([
  endpointUrl,
  z.object({ url: endpointUrl, weight: count(1000).default(1) }).strict(),
]);

/** Endpoints found in DNS instead of listed: A/AAAA records of a name, or SRV records. */
const dnsDiscoverySchema = z
  .object({
    name: z.string().min(1),
    /** `A` or `AAAA`: the addresses of `name` on `port`; `SRV`: targets, ports and weights from SRV records. */
    records: z.enum(['A', 'AAAA', 'SRV']).default('A'),
    port: z.number().int().min(1).max(65535).optional(),
    scheme: z.enum(['http', 'https']).default('http'),
    /** The path of each endpoint URL, e.g. `/crm`. */
    path: z.string().regex(/^(\/.*)?$/, 'a path that starts with / (or nothing)').default(''),
    /** How often the name is looked up again. */
    intervalMs: durationMs.default(30_000),
    timeoutMs: durationMs.default(2_000),
    /** DNS servers (`host` or `host:port`); default: the system's. */
    servers: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .refine((dns) => dns.records === 'SRV' || dns.port !== undefined, {
    message: 'A and AAAA records carry no port: set port',
    path: ['port'],
  });

/** Active health checks: an HTTP GET of a path, or a POST of a cheap SOAP operation's envelope. */
const healthCheckSchema = z
  .object({
    method: z.enum(['GET', 'POST']).default('GET'),
    /** Appended to each endpoint URL, like `?wsdl` or `/health`. */
    path: z.string().default(''),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().optional(),
    intervalMs: durationMs.default(10_000),
    timeoutMs: durationMs.default(2_000),
    healthyThreshold: count(100).default(2),
    unhealthyThreshold: count(100).default(3),
  })
  .strict();

/** Passive outlier ejection of endpoints whose real calls keep failing. */
const outlierDetectionSchema = z
  .object({
    enabled: z.boolean().default(true),
    consecutiveFailures: count(1000).default(5),
    baseEjectionMs: durationMs.default(30_000),
    maxEjectionMs: durationMs.default(300_000),
    maxEjectionPercent: percent.default(50),
  })
  .strict();

const breakerSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** One breaker per SOAP operation (or modern route) instead of one for the whole upstream. */
    perOperation: z.boolean().default(false),
    volumeThreshold: count(100_000).default(20),
    errorThresholdPercent: percent.default(50),
    windowMs: durationMs.default(10_000),
    windowBuckets: count(100).default(10),
    resetTimeoutMs: durationMs.default(10_000),
  })
  .strict()
  .refine((breaker) => breaker.windowMs >= breaker.windowBuckets, { message: 'windowMs must be at least windowBuckets', path: ['windowMs'] });

const bulkheadSchema = z
  .object({
    maxConcurrent: count(100_000).default(100),
    maxQueue: z.number().int().min(0).max(100_000).default(100),
    queueTimeoutMs: durationMs.default(1_000),
  })
  .strict();

const retrySchema = z
  .object({
    /** Attempts in all, the first included; 1 turns retries off. */
    maxAttempts: count(10).default(3),
    baseDelayMs: z.number().int().min(0).max(60_000).default(50),
    maxDelayMs: z.number().int().min(0).max(60_000).default(1_000),
    /** A deadline per attempt, so a hung attempt leaves time for another; default: none. */
    attemptTimeoutMs: durationMs.optional(),
    budget: z
      .object({
        percent: percent.default(20),
        minRetriesPerSecond: z.number().min(0).max(10_000).default(1),
        windowMs: durationMs.default(10_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const upstreamConfigSchema = z
  .object({
    /**
     * Path of the WSDL, relative to gateway.yaml, for a SOAP upstream: mappings are checked against
     * it at load. An HTTP/JSON upstream (a modern service) has none.
     */
    wsdl: z.string().min(1).optional(),
    /** The instances, listed; or `dns` to find them. */
    endpoints: z.array(endpointEntry).min(1, 'list at least one endpoint URL').optional(),
    dns: dnsDiscoverySchema.optional(),
    /** Deadline of one call to this upstream, all attempts included. */
    timeoutMs: durationMs.default(10_000),
    connectTimeoutMs: durationMs.default(2_000),
    /** Concurrent connections per endpoint. */
    connections: z.number().int().positive().max(1024).default(64),
    balancer: z.enum(balancerKinds).default('round-robin'),
    healthCheck: healthCheckSchema.optional(),
    outlierDetection: outlierDetectionSchema.prefault({}),
    /** Below this share of available endpoints, balance over all of them (panic). */
    panicThresholdPercent: percent.default(50),
    breaker: breakerSchema.prefault({}),
    bulkhead: bulkheadSchema.prefault({}),
    retry: retrySchema.prefault({}),
    /** WS-Security headers (UsernameToken, Timestamp, X.509 signature) on every call; see SECURITY.md. */
    security: wsSecurityConfigSchema.optional(),
    /** TLS to https endpoints: a custom CA, a client certificate (mTLS), the name to verify. */
    tls: upstreamTlsConfigSchema.optional(),
  })
  .strict()
  .superRefine((upstream, context) => {
    if (upstream.endpoints === undefined && upstream.dns === undefined) {
      context.addIssue({ code: 'custom', path: ['endpoints'], message: 'list at least one endpoint URL, or find them with dns' });
    }
    if (upstream.endpoints !== undefined && upstream.dns !== undefined) {
      context.addIssue({ code: 'custom', path: ['dns'], message: 'use either endpoints or dns, not both' });
    }
  });

export const limitsSchema = z
  .object({
    maxReplyBytes: byteSize.default(10 * 1024 * 1024),
    maxReplyDepth: z.number().int().min(4).max(1000).default(64),
    maxRequestBodyBytes: byteSize.default(1024 * 1024),
    /** Deeper JSON bodies are refused (400) before they are parsed. */
    maxJsonDepth: z.number().int().min(1).max(1000).default(32),
    /** Request line and headers together; more is answered 431 by the HTTP server. */
    maxHeaderBytes: byteSize.default(16 * 1024),
    /** A client must have sent its headers within this time (slow clients get 408). */
    headersTimeoutMs: durationMs.default(10_000),
    /** A client must have sent its whole request within this time (408). */
    requestTimeoutMs: durationMs.default(30_000),
    /** Requests per client (token bucket): more get 429 with Retry-After. */
    rateLimit: z
      .object({
        enabled: z.boolean().default(true),
        requestsPerSecond: z.number().positive().max(1_000_000).default(200),
        burst: z.number().int().min(1).max(1_000_000).default(400),
        /** Who the client is: the remote address, or this header set by a trusted proxy (its last entry). */
        clientHeader: z.string().regex(/^[a-z0-9-]+$/, 'a lower-case header name like x-forwarded-for').optional(),
        /** Clients remembered at once; the least recently seen are forgotten first. */
        maxClients: z.number().int().min(1).max(10_000_000).default(100_000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((limits) => limits.headersTimeoutMs <= limits.requestTimeoutMs, {
    message: 'headersTimeoutMs cannot be longer than requestTimeoutMs',
    path: ['headersTimeoutMs'],
  });

export const flagsConfigSchema = z
  .object({
    /**
     * The flag log: a JSON-lines file (relative to gateway.yaml), or `memory` to keep flags only
     * for the life of the process.
     */
    log: z.string().min(1).default('.ficus/flags.jsonl'),
  })
  .strict();

export const shadowConfigSchema = z
  .object({
    /** Shadow calls in flight at most over all routes; more are skipped (and counted). */
    maxConcurrent: z.number().int().min(0).max(10_000).default(32),
    /** A shadow call's own deadline. */
    timeoutMs: durationMs.default(2_000),
    /** Recent mismatch samples kept per route. */
    samples: z.number().int().min(0).max(1_000).default(20),
  })
  .strict();

export const shutdownConfigSchema = z
  .object({
    /** After SIGTERM, readiness fails at once; listeners close after this delay (let load balancers notice). */
    readinessDelayMs: z.number().int().min(0).max(600_000).default(0),
    /** Requests in flight get this long to finish before their connections are closed. */
    drainMs: z.number().int().min(0).max(600_000).default(15_000),
  })
  .strict();

export const reloadConfigSchema = z
  .object({
    /** Watch gateway.yaml and the mapping files, and reload when they change. */
    watch: z.boolean().default(true),
    /** Wait this long after the last change before reloading (editors write files in steps). */
    debounceMs: z.number().int().min(0).max(60_000).default(300),
  })
  .strict();

export const gatewayConfigSchema = z
  .object({
    /** Folder of mapping files (*.yaml), relative to gateway.yaml. */
    mappings: z.string().min(1).default('mappings'),
    /** Base of problem `type` URIs; a mapping's slug `customer-not-found` is appended to it. */
    problemTypeBase: z.string().min(1).default('urn:ficus:problem:'),
    limits: limitsSchema.prefault({}),
    flags: flagsConfigSchema.prefault({}),
    shadow: shadowConfigSchema.prefault({}),
    /** The admin API: which paths need no bearer token. */
    admin: adminConfigSchema.prefault({}),
    shutdown: shutdownConfigSchema.prefault({}),
    reload: reloadConfigSchema.prefault({}),
    /** Input fields never logged, and OTLP export of spans (off by default). */
    telemetry: telemetryConfigSchema.prefault({}),
    upstreams: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'upstream names are lower-case words like crm or policy-service'), upstreamConfigSchema),
    /**
     * Custom transforms: name -> an ES module (.js or .mjs, relative to gateway.yaml) whose default
     * export compiles the transform (see mapping/transforms/custom.ts). Fields name them like built-ins.
     */
    transforms: z
      .record(
        z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'transform names are camelCase words like maskIban'),
        z.string().regex(/\.m?js$/, 'a custom transform is a JavaScript ES module (.js or .mjs); compile a TypeScript one first'),
      )
      .default({}),
  })
  .strict();

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type UpstreamConfig = z.output<typeof upstreamConfigSchema>;
export type Limits = z.output<typeof limitsSchema>;

const units: Record<string, number> = { b: 1, kb: 1000, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

function parseByteSize(text: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const count = Number(match?.[1] ?? NaN);
  const unit = (match?.[2] ?? '').toLowerCase() || 'b';
  return count * (units[unit] ?? NaN);
}
