import { z } from 'zod';

/**
 * The shape of one mapping file (`mappings/*.yaml`). This checks structure only; the mapping
 * compiler checks meaning (types exist, paths fit the WSDL, transforms are known) and reports
 * every problem as `file:path: message`.
 */

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name of letters, digits and _');
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type ScalarValue = z.output<typeof scalar>;

// ---------------------------------------------------------------- domain types
export const typeSpecSchema = z.union([
  z.string().min(1),
  z
    .object({
      type: z.string().min(1).optional(),
      enum: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).optional(),
      pattern: z.string().optional(),
      minLength: z.number().int().nonnegative().optional(),
      maxLength: z.number().int().nonnegative().optional(),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      minItems: z.number().int().nonnegative().optional(),
      maxItems: z.number().int().nonnegative().optional(),
      optional: z.boolean().optional(),
      nullable: z.boolean().optional(),
      default: z.unknown().optional(),
      description: z.string().optional(),
      example: z.unknown().optional(),
    })
    .strict()
    .refine((spec) => (spec.type === undefined) !== (spec.enum === undefined), 'give exactly one of `type` or `enum`'),
]);
export type TypeSpec = z.output<typeof typeSpecSchema>;

export const typeDeclarationSchema = z.union([
  z
    .object({
      description: z.string().optional(),
      fields: z.record(identifier, typeSpecSchema),
      /** What an input object does with fields it does not declare. Replies are always stripped. */
      unknownFields: z.enum(['reject', 'strip']).default('reject'),
    })
    .strict(),
  typeSpecSchema,
]);
export type TypeDeclaration = z.output<typeof typeDeclarationSchema>;

// ---------------------------------------------------------------- field mappings
/** Keys that steer a field; every other key of a field object names a transform. */
const fieldKeywords: ReadonlySet<string> = new Set(['from', 'each', 'use', 'fields', 'default', 'const', 'concat', 'separator', 'nil']);

/** True if `key` of a field object steers the field rather than naming a transform. */
export function isFieldKeyword(key: string): boolean {
  return fieldKeywords.has(key);
}

export interface FieldSpecObject {
  from?: string;
  each?: string;
  use?: string;
  fields?: Record<string, FieldSpec>;
  default?: ScalarValue;
  const?: ScalarValue;
  concat?: string[];
  separator?: string;
  nil?: boolean;
  [transform: string]: unknown;
}
/** A string is shorthand for `{ from: <string> }`; other scalars (request side only) are constants. */
export type FieldSpec = string | number | boolean | null | FieldSpecObject;

export const fieldSpecSchema: z.ZodType<FieldSpec> = z.lazy(() =>
  z.union([
    scalar,
    z
      .object({
        from: z.string().min(1).optional(),
        each: z.string().min(1).optional(),
        use: identifier.optional(),
        fields: z.record(z.string().min(1), fieldSpecSchema).optional(),
        default: scalar.optional(),
        const: scalar.optional(),
        concat: z.array(z.string().min(1)).min(2).optional(),
        separator: z.string().optional(),
        nil: z.boolean().optional(),
      })
      .catchall(z.unknown()),
  ]),
);

// ---------------------------------------------------------------- faults
const errorStatus = z.number().int().min(400).max(599);

/** The problem a fault or error rule answers with: the mapping's words, never the legacy text. */
const problemFields = {
  status: errorStatus,
  type: z.string().min(1),
  title: z.string().min(1),
  /** May quote the route input: `There is no customer {params.id}.` */
  detail: z.string().optional(),
  /** Seconds, sent as Retry-After. */
  retryAfter: z.number().int().positive().optional(),
};

export const faultRuleSchema = z
  .object({
    when: z
      .object({
        code: z.string().min(1).optional(),
        subcode: z.string().min(1).optional(),
        detail: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
      })
      .strict(),
    ...problemFields,
  })
  .strict();
export type FaultRule = z.output<typeof faultRuleSchema>;

export const faultsSchema = z
  .object({
    /** Path inside the fault's detail element to the legacy error code, e.g. `CrmFault.ErrorCd`. */
    detailCode: z.string().min(1).optional(),
    rules: z.array(faultRuleSchema).default([]),
  })
  .strict();
export type FaultsSpec = z.output<typeof faultsSchema>;

// ---------------------------------------------------------------- routes
const inputSchema = z
  .object({
    params: z.record(identifier, typeSpecSchema).optional(),
    query: z.record(z.string().min(1), typeSpecSchema).optional(),
    body: typeSpecSchema.optional(),
  })
  .strict();

const legacyTargetSchema = z
  .object({
    upstream: z.string().min(1),
    operation: z.string().min(1),
    request: z.record(z.string().min(1), fieldSpecSchema).default({}),
    response: fieldSpecSchema,
    faults: faultsSchema.optional(),
  })
  .strict();
export type LegacyTargetSpec = z.output<typeof legacyTargetSchema>;

// ---------------------------------------------------------------- the modern target and routing
export const modernErrorRuleSchema = z
  .object({
    when: z.object({ status: z.union([errorStatus, z.array(errorStatus).min(1)]) }).strict(),
    ...problemFields,
  })
  .strict();
export type ModernErrorRule = z.output<typeof modernErrorRuleSchema>;

const modernTargetSchema = z
  .object({
    upstream: z.string().min(1),
    /** Method and path, with input placeholders: `GET /v2/customers/{params.id}`. */
    request: z.string().regex(/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/, 'write METHOD /path, e.g. GET /v2/customers/{params.id}'),
    query: z.record(z.string().min(1), fieldSpecSchema).optional(),
    /** The JSON body: `$body` as it came, or a template keyed by the modern service's names. */
    body: z.union([z.string().startsWith('$'), z.record(z.string().min(1), fieldSpecSchema)]).optional(),
    /** The modern JSON -> the domain answer; without it the JSON is taken as the answer. */
    response: fieldSpecSchema.optional(),
    errors: z.array(modernErrorRuleSchema).default([]),
  })
  .strict();
export type ModernTargetSpec = z.output<typeof modernTargetSchema>;

/** A JSON pointer into the domain answer, where a `*` segment stands for any one segment (any index). */
const pointerPattern = z.string().regex(/^(\/[^/]+)+$/, 'a JSON pointer like /addresses/*/street');

export const normalizerSchema = z.union([
  z.enum(['trim', 'collapse-whitespace', 'lowercase', 'uppercase']),
  z.object({ decimalScale: z.number().int().min(0).max(30) }).strict(),
]);
export type NormalizerSpec = z.output<typeof normalizerSchema>;

const guardsSchema = z
  .object({
    windowSeconds: z.number().int().min(1).max(3600).default(60),
    minRequests: z.number().int().min(1).default(20),
    /** Roll back when the modern target fails more often than this share (0-1). */
    maxErrorRate: z.number().min(0).max(1).optional(),
    /** Roll back when shadow comparisons differ more often than this share (0-1). */
    maxMismatchRate: z.number().min(0).max(1).optional(),
  })
  .strict()
  .refine((guards) => guards.maxErrorRate !== undefined || guards.maxMismatchRate !== undefined, 'set maxErrorRate, maxMismatchRate or both');

const routingSchema = z
  .object({
    /**
     * What keeps a canary sticky, `params.id`, `query.x` or `header.x-customer`; also the key of an
     * upstream's consistent-hash balancing.
     */
    stickyKey: z.string().regex(/^(params|query|header)\.[A-Za-z0-9_-]+$/, 'params.<name>, query.<name> or header.<name>').optional(),
    /** When the modern target fails, answer a safe (GET) request from legacy instead. */
    fallback: z.literal('legacy').optional(),
    /** Shadow this route although it is not a GET (only for writes that are safe to repeat). */
    shadow: z.literal('safe').optional(),
    compare: z
      .object({
        ignore: z.array(pointerPattern).default([]),
        normalize: z.record(pointerPattern, z.array(normalizerSchema).min(1)).default({}),
        redact: z.array(pointerPattern).default([]),
      })
      .strict()
      .prefault({}),
    guards: guardsSchema.optional(),
  })
  .strict();
export type RoutingSpec = z.output<typeof routingSchema>;

const exampleInputSchema = z
  .object({
    params: z.record(z.string(), z.string()).optional(),
    query: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
    body: z.unknown().optional(),
  })
  .strict();

export const exampleSchema = z
  .object({
    name: z.string().optional(),
    input: exampleInputSchema.default({}),
    legacyReply: z.string().optional(),
    legacyReplyFile: z.string().optional(),
    expect: z.unknown().optional(),
    expectRequest: z.unknown().optional(),
    expectProblem: z.object({ status: z.number().int().optional(), type: z.string().optional() }).strict().optional(),
  })
  .strict()
  .refine((example) => (example.legacyReply === undefined) !== (example.legacyReplyFile === undefined), {
    message: 'give exactly one of `legacyReply` (inline XML) or `legacyReplyFile` (a path)',
  })
  .refine((example) => example.expect === undefined || example.expectProblem === undefined, {
    message: '`expect` (a domain answer) and `expectProblem` (an error) exclude each other',
  });
export type ExampleSpec = z.output<typeof exampleSchema>;

export const routeSchema = z
  .object({
    http: z
      .string()
      .regex(
        /^(GET|POST|PUT|PATCH|DELETE) \/[A-Za-z0-9_{}\-./]*$/,
        'write METHOD /path, e.g. GET /customers/{id}',
      ),
    summary: z.string().optional(),
    description: z.string().optional(),
    status: z.number().int().min(200).max(299).default(200),
    /** Safe to repeat (so retried on upstream failures); GET routes are, others only when they say so. */
    idempotent: z.boolean().optional(),
    /** The deadline of the whole route, all upstream attempts included; default: the upstream's timeoutMs. */
    timeoutMs: z.number().int().positive().max(600_000).optional(),
    input: inputSchema.default({}),
    output: typeSpecSchema,
    legacy: legacyTargetSchema,
    modern: modernTargetSchema.optional(),
    routing: routingSchema.prefault({}),
    examples: z.array(exampleSchema).default([]),
  })
  .strict();
export type RouteSpec = z.output<typeof routeSchema>;

// ---------------------------------------------------------------- the file
export const mappingFileSchema = z
  .object({
    feature: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case feature name like customers'),
    description: z.string().optional(),
    /** Prefixes usable in paths (`crm:Customer`) where local names alone are ambiguous. */
    namespaces: z.record(identifier, z.string().min(1)).default({}),
    codes: z.record(identifier, z.record(z.string(), scalar)).default({}),
    types: z.record(identifier, typeDeclarationSchema).default({}),
    objects: z.record(identifier, z.record(z.string().min(1), fieldSpecSchema)).default({}),
    faults: faultsSchema.optional(),
    routes: z.record(identifier, routeSchema),
  })
  .strict();
export type MappingFile = z.output<typeof mappingFileSchema>;
