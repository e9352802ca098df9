/**
 * Every failure leaves Ficus as one RFC 9457 problem. `GatewayError` is the only error class the
 * request path throws on purpose; anything else is a bug and becomes `internal-error`.
 */

/** The built-in problem types. Mappings add their own (e.g. `customer-not-found`). */
export const builtInProblems = {
  'invalid-request': { status: 400, title: 'The request is not valid' },
  unauthorized: { status: 401, title: 'A valid bearer token is required' },
  'not-found': { status: 404, title: 'No such resource' },
  'method-not-allowed': { status: 405, title: 'Method not allowed on this resource' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  'precondition-failed': { status: 412, title: 'The resource has changed since you read it' },
  'request-timeout': { status: 408, title: 'The request was not received in time' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'request-header-fields-too-large': { status: 431, title: 'The request headers are too large' },
  'invalid-configuration': { status: 422, title: 'The configuration is not valid' },
  'unsupported-media-type': { status: 415, title: 'The request body must be application/json' },
  'internal-error': { status: 500, title: 'The gateway failed unexpectedly' },
  'upstream-fault': { status: 502, title: 'The backend system refused the request' },
  'bad-upstream-reply': { status: 502, title: 'The backend system sent a reply the gateway cannot use' },
  'upstream-unreachable': { status: 502, title: 'The backend system could not be reached' },
  'upstream-unavailable': { status: 503, title: 'The backend system is unavailable' },
  'upstream-timeout': { status: 504, title: 'The backend system did not answer in time' },
} as const satisfies Record<string, { status: number; title: string }>;

export type BuiltInProblem = keyof typeof builtInProblems;

export interface ProblemFields {
  /** Short stable slug, e.g. `customer-not-found`; turned into the `type` URI on the way out. */
  readonly slug: string;
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  /** Extension members, e.g. `errors` for validation problems. Never legacy data. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Seconds, for 503 and 429 answers. */
  readonly retryAfterSeconds?: number;
}

export class GatewayError extends Error {
  readonly slug: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extensions: Readonly<Record<string, unknown>> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(fields: ProblemFields, options?: { cause?: unknown }) {
    super(fields.detail ?? fields.title, options);
    this.name = 'GatewayError';
    this.slug = fields.slug;
    this.status = fields.status;
    this.title = fields.title;
    this.detail = fields.detail;
    this.extensions = fields.extensions;
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }

  /** A built-in problem with an optional client-facing detail. */
  static of(
    slug: BuiltInProblem,
    detail?: string,
    extra?: { cause?: unknown; extensions?: Record<string, unknown>; retryAfterSeconds?: number },
  ): GatewayError {
    const { status, title } = builtInProblems[slug];
    return new GatewayError(
      { slug, status, title, detail, extensions: extra?.extensions, retryAfterSeconds: extra?.retryAfterSeconds },
      { cause: extra?.cause },
    );
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const problemContentType = 'application/problem+json';

/** Absolute URIs in a mapping are kept; slugs are resolved against the configured base. */
export function problemTypeUri(slug: string, base: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(slug) ? slug : base + slug;
}

export function toProblemDocument(error: GatewayError, typeBase: string, instance?: string): ProblemDocument {
  const document: ProblemDocument = {
    type: problemTypeUri(error.slug, typeBase),
    title: error.title,
    status: error.status,
  };
  if (error.detail !== undefined) document.detail = error.detail;
  if (instance !== undefined) document.instance = instance;
  // Extensions follow the standard members and can never replace them.
  for (const [key, value] of Object.entries(error.extensions ?? {})) if (!(key in document)) document[key] = value;
  return document;
}
