import type { ModernErrorRule, ModernTargetSpec } from '../config/index.js';
import { GatewayError } from '../problem/index.js';
import type { CompileContext } from './compile-context.js';
import type { CompiledModernTarget, HttpMethod } from './compiled-route.js';
import { compileInputTemplate } from './input-template.js';
import { compileJsonReader } from './json-reader.js';
import { compileJsonTemplate } from './json-writer.js';
import type { RouteInput, SourceScope } from './sources.js';

/**
 * Compiles a route's modern target: an HTTP/JSON call to a new service, with an optional mapping
 * of its JSON to the domain model and rules for its error statuses.
 */
export function compileModernTarget(
  spec: ModernTargetSpec,
  knownUpstreams: ReadonlySet<string>,
  scope: SourceScope,
  where: string,
  context: CompileContext,
): CompiledModernTarget | undefined {
  const before = context.issues.issues.length;
  if (!knownUpstreams.has(spec.upstream)) {
    context.issues.add(`${where}.upstream`, `no upstream named ${spec.upstream} in gateway.yaml (known: ${[...knownUpstreams].join(', ') || 'none'})`);
  }
  const [method, pathTemplate] = spec.request.split(' ') as [HttpMethod, string];
  // Values are encoded, so a path parameter can never change which URL is called.
  const buildPath = compileInputTemplate(pathTemplate, scope, `${where}.request`, context, encodeURIComponent);
  const buildQuery = spec.query === undefined ? undefined : compileJsonTemplate(spec.query, scope, `${where}.query`, context);
  const buildBody = spec.body === undefined ? undefined : compileJsonTemplate(spec.body, scope, `${where}.body`, context);
  if (buildBody && method === 'GET') context.issues.add(`${where}.body`, 'a GET request carries no body');
  const readReply = spec.response === undefined ? (json: unknown) => json : compileJsonReader(spec.response, `${where}.response`, context);
  const mapError = compileErrorRules(spec.errors, scope, `${where}.errors`, context);
  if (context.issues.issues.length > before) return undefined;
  return {
    upstream: spec.upstream,
    method,
    buildPath: (input) => buildPath(input) + queryString(buildQuery?.(input)),
    buildBody: (input) => buildBody?.(input),
    readReply,
    mapError,
  };
}

function queryString(query: unknown): string {
  if (query === undefined || query === null || typeof query !== 'object') return '';
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) parameters.append(key, String(item));
  }
  const text = parameters.toString();
  return text === '' ? '' : `?${text}`;
}

function compileErrorRules(
  rules: readonly ModernErrorRule[],
  scope: SourceScope,
  where: string,
  context: CompileContext,
): (status: number, input: RouteInput) => GatewayError {
  const compiled = rules.map((rule, index) => {
    const statuses = new Set(Array.isArray(rule.when.status) ? rule.when.status : [rule.when.status]);
    const detail = rule.detail === undefined ? undefined : compileInputTemplate(rule.detail, scope, `${where}.${index}.detail`, context);
    return { rule, statuses, detail };
  });
  return (status, input) => {
    const match = compiled.find((candidate) => candidate.statuses.has(status));
    if (!match) {
      return GatewayError.of(
        'upstream-fault',
        status >= 500 ? 'The backend system failed to process the request.' : 'The backend system refused the request for a reason the gateway does not know.',
      );
    }
    const { rule } = match;
    return new GatewayError({ slug: rule.type, status: rule.status, title: rule.title, detail: match.detail?.(input), retryAfterSeconds: rule.retryAfter });
  };
}
