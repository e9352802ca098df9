import { z } from 'zod';

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

export const upstreamConfigSchema = z
  .object({
    /**
     * Path of the WSDL, relative to gateway.yaml, for a SOAP upstream: mappings are checked against
     * it at load. An HTTP/JSON upstream (a modern service) has none.
     */
    wsdl: z.string().min(1).optional(),
    endpoints: z.array(endpointUrl).min(1, 'list at least one endpoint URL'),
    /** Deadline of one call to this upstream, all attempts included. */
    timeoutMs: durationMs.default(10_000),
    connectTimeoutMs: durationMs.default(2_000),
    /** Concurrent connections per endpoint. */
    connections: z.number().int().positive().max(1024).default(64),
  })
  .strict();

export const limitsSchema = z
  .object({
    maxReplyBytes: byteSize.default(10 * 1024 * 1024),
    maxReplyDepth: z.number().int().min(4).max(1000).default(64),
    maxRequestBodyBytes: byteSize.default(1024 * 1024),
  })
  .strict();

export const gatewayConfigSchema = z
  .object({
    /** Folder of mapping files (*.yaml), relative to gateway.yaml. */
    mappings: z.string().min(1).default('mappings'),
    /** Base of problem `type` URIs; a mapping's slug `customer-not-found` is appended to it. */
    problemTypeBase: z.string().min(1).default('urn:ficus:problem:'),
    limits: limitsSchema.default(limitsSchema.parse({})),
    upstreams: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'upstream names are lower-case words like crm or policy-service'), upstreamConfigSchema),
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
