import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { CompiledRoute, HttpMethod } from '../mapping/index.js';
import { GatewayError, isGatewayError } from '../problem/index.js';
import { requestTelemetry, type RequestTelemetryOptions, type TelemetryVariables } from '../telemetry/index.js';
import { apiReference } from './api-reference.js';
import { buildOpenApiDocument } from './openapi.js';
import { exceedsJsonDepth } from './edge-limits.js';
import { problemResponse } from './problem-response.js';
import { rateLimit, type RateLimitOptions } from './rate-limit.js';
import { executeRoute, invalidRequest, logFailure, type RawInput, type RouteDependencies, type RouteTrace } from './route-handler.js';

export interface DomainAppOptions {
  readonly routes: readonly CompiledRoute[];
  readonly dependencies: RouteDependencies;
  readonly problemTypeBase: string;
  readonly maxRequestBodyBytes: number;
  /** JSON bodies nested deeper are refused (400) before parsing; default 32. */
  readonly maxJsonDepth?: number;
  /** Requests per client (429 with Retry-After beyond it); absent: no limit. */
  readonly rateLimit?: Omit<RateLimitOptions, 'problemTypeBase'>;
  readonly logger: Logger;
  /** Spans and request metrics; absent: no spans (the trace context is passed through) and no metrics. */
  readonly telemetry?: Omit<RequestTelemetryOptions, 'logger'>;
}

type DomainEnv = { Variables: TelemetryVariables };

/** Names who answered: legacy or modern. Gateway-made answers (400, 404, 405) carry none. */
const targetHeader = 'ficus-target';

/** `application/json`, or a JSON-based type such as `application/merge-patch+json`. */
const jsonMediaType = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

const internalError = (): GatewayError => GatewayError.of('internal-error', 'The gateway failed; the failure is logged.');

/** The clean domain API: one hono route per compiled route, problems for everything else. */
export function createDomainApp(options: DomainAppOptions): Hono<DomainEnv> {
  const { problemTypeBase, logger } = options;
  const app = new Hono<DomainEnv>();
  const problem = (c: Context<DomainEnv>, error: GatewayError, target?: string): Response =>
    problemResponse(error, problemTypeBase, c, { 'x-request-id': c.get('requestId'), [targetHeader]: target });
  const tooLarge = (c: Context<DomainEnv>): Response =>
    problem(c, GatewayError.of('payload-too-large', `The body may have at most ${options.maxRequestBodyBytes} bytes.`));
  const limitStreamedBody = bodyLimit({ maxSize: options.maxRequestBodyBytes, onError: tooLarge });
  // bodyLimit reads `c.req.raw.body`, which makes @hono/node-server build a whole Request (about a
  // tenth of a small GET's cost), and lets any GET body through. Only a chunked body must be
  // counted as it arrives; a declared length is judged at once, whatever the method (Node's parser
  // refuses a request with both headers, and never reads past the declared length).
  const limitBody: MiddlewareHandler<DomainEnv> = (c, next) => {
    if (c.req.header('transfer-encoding') !== undefined) return limitStreamedBody(c, next);
    const length = c.req.header('content-length');
    return length !== undefined && Number(length) > options.maxRequestBodyBytes ? Promise.resolve(tooLarge(c)) : next();
  };

  // Request id (X-Request-Id, kept or made), trace context, the request's span, metrics and log line.
  app.use(requestTelemetry({ ...options.telemetry, logger }));
  if (options.rateLimit) app.use(rateLimit({ ...options.rateLimit, problemTypeBase }));
  const maxJsonDepth = options.maxJsonDepth ?? 32;

  const methodsByPath = new Map<string, HttpMethod[]>();
  for (const route of options.routes) {
    const honoPath = route.path.replace(/\{([^}]+)\}/g, ':$1');
    methodsByPath.set(honoPath, [...(methodsByPath.get(honoPath) ?? []), route.method]);
    app.on(route.method, honoPath, limitBody, (c) => handleRoute(c, route));
  }
  // The API describes itself (a route of the same path and method wins).
  app.route('/', apiReference({ document: () => buildOpenApiDocument(options.routes, { problemTypeBase }) }));
  for (const [honoPath, methods] of methodsByPath) {
    app.all(honoPath, (c) =>
      withAllow(problem(c, GatewayError.of('method-not-allowed', `Use ${methods.join(' or ')} on this resource.`)), methods),
    );
  }
  app.notFound((c) => problem(c, GatewayError.of('not-found', `No route answers ${c.req.method} ${new URL(c.req.url).pathname}.`)));
  app.onError((error, c) => {
    logger.error({ err: error }, 'unhandled error');
    return problem(c, internalError());
  });
  return app;

  async function handleRoute(c: Context<DomainEnv>, route: CompiledRoute): Promise<Response> {
    const telemetry = c.get('telemetry');
    telemetry.routed(route);
    const trace: RouteTrace = { telemetry };
    const requestId = c.get('requestId');
    try {
      const [params, query] = [c.req.param() as Record<string, string>, queryOf(c)];
      telemetry.input = { params, query };
      const raw: RawInput = { params, query, body: await bodyOf(c, route, maxJsonDepth) };
      const facts = { requestId, header: (name: string) => c.req.header(name) };
      // The client's disconnect aborts the upstream call too.
      const answer = await executeRoute(route, raw, options.dependencies, c.req.raw.signal, facts, trace);
      if (trace.target) c.header(targetHeader, trace.target);
      return jsonAnswer(c, answer, route.successStatus);
    } catch (error) {
      logFailure(telemetry.log, route, error);
      return problem(c, isGatewayError(error) ? error : internalError(), trace.target);
    } finally {
      telemetry.target = trace.target;
    }
  }
}

/**
 * The answer as UTF-8 JSON bytes. hono's `c.json` hands @hono/node-server a string, which measures
 * its UTF-8 length (`Buffer.byteLength`) and then encodes it again while writing: two passes over
 * a 1 MB answer where one will do.
 */
function jsonAnswer(c: Context<DomainEnv>, answer: unknown, status: number): Response {
  // 204 and 205 answers have no body, whatever the mapping produced.
  if (status === 204 || status === 205) return c.body(null, status);
  return c.body(Buffer.from(JSON.stringify(answer ?? null), 'utf8'), status as 200, { 'content-type': 'application/json' });
}

function withAllow(response: Response, methods: readonly string[]): Response {
  response.headers.set('allow', methods.join(', '));
  return response;
}

function queryOf(c: Context): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    Object.defineProperty(query, key, { value: values.length === 1 ? values[0] : values, enumerable: true });
  }
  return query;
}

async function bodyOf(c: Context, route: CompiledRoute, maxJsonDepth: number): Promise<unknown> {
  if (!route.hasBody) return undefined;
  const type = c.req.header('content-type') ?? '';
  if (!jsonMediaType.test(type)) {
    throw GatewayError.of('unsupported-media-type', 'Send the body as JSON with Content-Type: application/json.');
  }
  const text = await c.req.text();
  if (exceedsJsonDepth(text, maxJsonDepth)) throw invalidRequest([{ path: 'body', message: `nested deeper than ${maxJsonDepth} levels` }]);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidRequest([{ path: 'body', message: `not valid JSON (${(error as Error).message})` }]);
  }
}
