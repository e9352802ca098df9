import type { Logger } from 'pino';
import type { z } from 'zod';
import type { CompiledRoute } from '../mapping/index.js';
import { isRequestMappingError, renderFieldPath, type RouteInput } from '../mapping/index.js';
import { GatewayError, isGatewayError } from '../problem/index.js';
import type { XmlLimits } from '../soap/index.js';
import { isServerFailure, stickyKeyOf, type Strangler, type TargetName } from '../strangler/index.js';
import { invokeLegacy, invokeModern, type Send } from '../targets/index.js';
import type { CallTelemetry, RequestTelemetry } from '../telemetry/index.js';

/** The input of a route as it arrives, before validation. */
export interface RawInput {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly body: unknown;
}

export interface RouteDependencies {
  /** The way to each upstream by name: the real Upstream.call, or canned replies. */
  sendTo(upstream: string): Send;
  readonly limits: XmlLimits;
  /** Strangler-fig routing; without it every route is answered by legacy (as in `ficus test`). */
  readonly strangler?: Strangler;
}

/** Facts about the HTTP request that routing may use. */
export interface RequestFacts {
  readonly requestId?: string;
  header(name: string): string | undefined;
}

/** Filled in as the request goes, so even a failure can say which target it came from. */
export interface RouteTrace {
  target?: TargetName;
  /** The request's ids, spans and attempt count, carried down to every upstream call. */
  readonly telemetry?: RequestTelemetry;
}

const noFacts: RequestFacts = { header: () => undefined };

/**
 * One request through the gateway, top to bottom. Every outcome is the domain answer or a
 * GatewayError; nothing else escapes.
 *
 *   input    = route.input.parse(request)              400 problem on failure
 *   decision = strangler.decide(route, request)        legacy | modern, plus an optional shadow
 *   answer   = invoke(decision.primary)                mapping -> upstream.call -> mapping back
 *              (modern failed, fallback: legacy, GET:   invoke(legacy) instead)
 *   shadow   = invoke(decision.secondary), compared in the domain model; never awaited
 */
export async function executeRoute(
  route: CompiledRoute,
  raw: RawInput,
  deps: RouteDependencies,
  signal: AbortSignal,
  facts: RequestFacts = noFacts,
  trace: RouteTrace = {},
): Promise<unknown> {
  const input = validateInput(route, raw);
  const header = (name: string): string | undefined => facts.header(name);
  const context = { input, requestId: facts.requestId, header, stickyKey: stickyKeyOf(route, input, header) };
  const decision = deps.strangler?.decide(route, context) ?? { primary: 'legacy' as const, secondary: undefined };
  trace.target = decision.primary;
  const call: TargetCall = { route, input, deps, hashKey: context.stickyKey, telemetry: trace.telemetry };
  const answer = await answerFrom(decision.primary, call, signal, trace);
  if (decision.secondary !== undefined && deps.strangler) {
    const secondary = decision.secondary;
    deps.strangler.shadow(route, trace.target, answer, (shadowSignal) => answerOf(secondary, { ...call, telemetry: trace.telemetry?.shadowCall() }, shadowSignal), context);
  }
  return answer;
}

/** What every target call of one request shares. */
interface TargetCall {
  readonly route: CompiledRoute;
  readonly input: RouteInput;
  readonly deps: RouteDependencies;
  /** The route's sticky key value: consistent-hash balancing keeps a key on one endpoint. */
  readonly hashKey: string | undefined;
  /** Spans and the attempt count of the request (or of its shadow call). */
  readonly telemetry: CallTelemetry | undefined;
}

async function answerFrom(primary: TargetName, call: TargetCall, signal: AbortSignal, trace: RouteTrace): Promise<unknown> {
  const { route, deps } = call;
  if (primary === 'legacy') return answerOf('legacy', call, signal);
  try {
    const answer = await answerOf('modern', call, signal);
    deps.strangler?.recordModernCall(route, false);
    return answer;
  } catch (error) {
    const failed = isServerFailure(error);
    deps.strangler?.recordModernCall(route, failed);
    if (!failed || route.routing.fallback !== 'legacy' || route.method !== 'GET' || signal.aborted) throw error;
    deps.strangler?.recordFallback(route);
    trace.target = 'legacy';
    return answerOf('legacy', call, signal);
  }
}

/** One target's answer in the domain model, validated against the route's output type. */
async function answerOf(target: TargetName, { route, input, deps, hashKey, telemetry }: TargetCall, signal: AbortSignal): Promise<unknown> {
  const common = { input, signal, idempotent: route.idempotent, deadlineMs: route.timeoutMs, hashKey, telemetry };
  try {
    const result =
      target === 'modern' && route.modern
        ? await invokeModern({ ...common, target: route.modern, send: deps.sendTo(route.modern.upstream), operation: route.id })
        : await invokeLegacy({ ...common, target: route.legacy, send: deps.sendTo(route.legacy.upstream), limits: deps.limits });
    return validateOutput(route, result);
  } catch (error) {
    if (isRequestMappingError(error)) throw invalidRequest([{ path: renderFieldPath(error.path), message: error.reason }]);
    throw error;
  }
}

function validateInput(route: CompiledRoute, raw: RawInput): RouteInput {
  const parsed = route.input.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw invalidRequest(describeIssues(parsed.error));
}

/** The reply mapped fine but breaks the domain contract: the upstream's fault, not the client's. */
function validateOutput(route: CompiledRoute, result: unknown): unknown {
  const parsed = route.output.safeParse(result);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => renderFieldPath(issue.path as Array<string | number>) || '(root)'))];
  throw GatewayError.of('bad-upstream-reply', `The backend system's answer does not fit the ${route.id} contract at ${fields.join(', ')}.`, {
    cause: parsed.error,
  });
}

export function invalidRequest(errors: ReadonlyArray<{ path: string; message: string }>): GatewayError {
  const summary = errors.map((error) => (error.path ? `${error.path}: ${error.message}` : error.message)).join('; ');
  return GatewayError.of('invalid-request', summary, { extensions: { errors } });
}

function describeIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({
    path: renderFieldPath(issue.path as Array<string | number>),
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}

/**
 * Logs what the client never sees: the cause of a problem. Not its detail, which a mapping may
 * write with the input in it ("There is no customer 42."): configured personal data stays out.
 */
export function logFailure(logger: Logger, route: CompiledRoute, error: unknown): void {
  if (isGatewayError(error)) {
    const level = error.status >= 500 ? 'warn' : 'debug';
    logger[level]({ route: route.id, problem: error.slug, status: error.status, cause: describeCause(error.cause) }, error.title);
  } else {
    logger.error({ route: route.id, err: error }, 'unexpected failure');
  }
}

function describeCause(cause: unknown): string | undefined {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return cause === undefined ? undefined : String(cause);
}
