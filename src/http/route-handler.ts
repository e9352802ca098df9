import type { Logger } from 'pino';
import type { z } from 'zod';
import type { CompiledRoute } from '../mapping/index.js';
import { isRequestMappingError, renderFieldPath, type RouteInput } from '../mapping/index.js';
import { GatewayError, isGatewayError } from '../problem/index.js';
import type { XmlLimits } from '../soap/index.js';
import { invokeLegacy, type Send } from '../targets/index.js';

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
}

/**
 * One request through the gateway, top to bottom. Every outcome is the domain answer or a
 * GatewayError; nothing else escapes.
 */
export async function executeRoute(route: CompiledRoute, raw: RawInput, deps: RouteDependencies, signal: AbortSignal): Promise<unknown> {
  const input = validateInput(route, raw);
  const target = route.legacy;
  const invocation = { target, input, send: deps.sendTo(target.upstream), limits: deps.limits, signal, idempotent: route.idempotent, deadlineMs: route.timeoutMs };
  const result = await invokeLegacy(invocation).catch(
    (error: unknown) => {
      if (isRequestMappingError(error)) throw invalidRequest([{ path: renderFieldPath(error.path), message: error.reason }]);
      throw error;
    },
  );
  return validateOutput(route, result);
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

/** Logs what the client never sees: the cause of a problem. */
export function logFailure(logger: Logger, route: CompiledRoute, error: unknown): void {
  if (isGatewayError(error)) {
    const level = error.status >= 500 ? 'warn' : 'debug';
    logger[level]({ route: route.id, problem: error.slug, cause: describeCause(error.cause) }, error.detail ?? error.title);
  } else {
    logger.error({ route: route.id, err: error }, 'unexpected failure');
  }
}

function describeCause(cause: unknown): string | undefined {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return cause === undefined ? undefined : String(cause);
}
