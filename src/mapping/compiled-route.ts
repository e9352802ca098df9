import type { z } from 'zod';
import type { RoutingSpec } from '../config/index.js';
import type { GatewayError } from '../problem/index.js';
import type { WsdlOperation, XmlElement, XmlNode } from '../soap/index.js';
import type { FaultMapper } from './fault-mapper.js';
import type { DeclaredProblem } from './declared-problems.js';
import type { RouteInput } from './sources.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A sticky key declared as `params.id`, `query.x` or `header.x`. */
export interface StickyKeySource {
  readonly from: 'params' | 'query' | 'header';
  readonly name: string;
}

/** The legacy side of a route, compiled: plain functions, no YAML left. */
export interface CompiledLegacyTarget {
  readonly upstream: string;
  readonly operation: WsdlOperation;
  buildRequest(input: RouteInput): XmlNode;
  /** Throws ReplyMappingError when the reply does not fit the mapping. */
  readReply(body: XmlElement): unknown;
  readonly mapFault: FaultMapper;
}

/** The modern side of a route: a JSON call to a new service. */
export interface CompiledModernTarget {
  readonly upstream: string;
  readonly method: HttpMethod;
  /** The path (values encoded) and query string. */
  buildPath(input: RouteInput): string;
  /** The JSON body, or undefined for none. */
  buildBody(input: RouteInput): unknown;
  /** The modern JSON -> the domain answer; throws ReplyMappingError when it does not fit. */
  readReply(json: unknown): unknown;
  /** A non-2xx status -> the problem to answer with. */
  mapError(status: number, input: RouteInput): GatewayError;
}

export interface CompiledExample {
  readonly name: string;
  /** `file:path` of the example, for reports. */
  readonly where: string;
  readonly file: string;
  /** The example's path inside its file, e.g. `routes.getCustomer.examples.0`. */
  readonly path: string;
  readonly input: { params?: Record<string, string>; query?: Record<string, string | string[]>; body?: unknown };
  /** A whole SOAP envelope, as the upstream would send it. */
  readonly reply: string;
  readonly replyStatus: number;
  readonly expect?: unknown;
  readonly expectRequest?: unknown;
  readonly expectProblem?: { status?: number; type?: string };
}

export interface CompiledRoute {
  /** `feature.route`, e.g. `customers.getCustomer`: the bounded label for logs and metrics. */
  readonly id: string;
  readonly feature: string;
  readonly method: HttpMethod;
  /** OpenAPI-style path, e.g. `/customers/{id}`. */
  readonly path: string;
  readonly summary: string | undefined;
  readonly description: string | undefined;
  readonly successStatus: number;
  /** GET, or declared `idempotent: true`: upstream calls may be retried. */
  readonly idempotent: boolean;
  /** The route's own deadline for all upstream attempts, if it sets one. */
  readonly timeoutMs: number | undefined;
  /** Validates `{ params, query, body }` as received; yields the RouteInput the mapping reads. */
  readonly input: z.ZodType<RouteInput>;
  readonly hasBody: boolean;
  readonly output: z.ZodType;
  /** The problems the route's fault and error rules (its own, then its feature's) can answer with. */
  readonly declaredProblems: readonly DeclaredProblem[];
  readonly legacy: CompiledLegacyTarget;
  readonly modern: CompiledModernTarget | undefined;
  /** How the route may move to modern: sticky key, fallback, shadow comparison, guards. */
  readonly routing: RoutingSpec;
  /** `routing.stickyKey`, split once: where a request's sticky key value is read from. */
  readonly stickyKey: StickyKeySource | undefined;
  readonly examples: readonly CompiledExample[];
}
