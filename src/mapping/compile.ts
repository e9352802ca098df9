import { z } from 'zod';
import { ConfigError, IssueCollector, type ConfigIssue } from '../config/index.js';
import {
  mappingFileSchema,
  type ExampleSpec,
  type FieldSpec,
  type MappingFile,
  type RouteSpec,
  type TypeDeclaration,
} from '../config/index.js';
import { envelopeNamespace, type SoapVersion } from '../soap/index.js';
import { parseXml } from '../soap/index.js';
import type { WsdlContract } from '../soap/index.js';
import type { CompileContext } from './compile-context.js';
import type { CompiledExample, CompiledLegacyTarget, CompiledRoute, HttpMethod, StickyKeySource } from './compiled-route.js';
import { declaredProblems } from './declared-problems.js';
import { TypeRegistry } from './domain-types.js';
import { compileFaultMapper } from './fault-mapper.js';
import { compileReader } from './reply-reader.js';
import { compileModernTarget } from './modern-mapping.js';
import { compileRequestBody } from './request-writer.js';
import type { RouteInput, SourceScope } from './sources.js';
import { builtInTransforms, type TransformContext, type TransformDefinition } from './transforms/index.js';

/** A mapping file as read from disk: its display name, and a reader for files it refers to. */
export interface MappingSource {
  readonly file: string;
  readonly data: unknown;
  /** Reads a file named relative to the mapping file (example replies). */
  readRelative(path: string): string;
}

export interface CompiledMappings {
  readonly routes: readonly CompiledRoute[];
  readonly types: TypeRegistry;
}

interface CompileEnvironment {
  /** Every upstream of gateway.yaml (modern targets may use any of them). */
  readonly upstreams?: ReadonlySet<string>;
  /** SOAP upstream name -> its WSDL contract. */
  readonly contracts: ReadonlyMap<string, WsdlContract>;
  /** Upstreams that exist but whose WSDL failed to load (reported there, so not again per route). */
  readonly withoutContract?: ReadonlySet<string>;
  /** The transforms fields may name (built-ins and gateway.yaml's custom ones); default the built-ins. */
  readonly transforms?: ReadonlyMap<string, TransformDefinition<unknown>>;
}

interface ParsedFile {
  readonly source: MappingSource;
  readonly mapping: MappingFile;
}

/**
 * Compiles all mapping files into ready routes, or throws one ConfigError with every problem found
 * in every file (so `ficus validate` shows them all at once).
 */
export function compileMappings(sources: readonly MappingSource[], environment: CompileEnvironment): CompiledMappings {
  const issues: ConfigIssue[] = [];
  const parsed: ParsedFile[] = [];
  for (const source of sources) {
    const result = mappingFileSchema.safeParse(source.data);
    if (result.success) parsed.push({ source, mapping: result.data });
    else {
      const collector = new IssueCollector(source.file);
      collector.addZod('', result.error);
      issues.push(...collector.issues);
    }
  }
  const globals = collectGlobals(parsed, issues);
  const types = new TypeRegistry(globals.types);
  const routes: CompiledRoute[] = [];
  const seenRoutes = new Map<string, string>();
  for (const { source, mapping } of parsed) {
    const collector = new IssueCollector(source.file);
    const context: CompileContext = {
      issues: collector,
      namespaces: mapping.namespaces,
      objects: globals.objects,
      transforms: globals.transforms,
      registry: environment.transforms ?? builtInTransforms,
    };
    checkTypeDeclarations(mapping, types, collector);
    for (const [name, route] of Object.entries(mapping.routes)) {
      const compiled = compileRoute(name, route, mapping, source, types, environment, context);
      if (!compiled) continue;
      const key = `${compiled.method} ${compiled.path.replace(/\{[^}]+\}/g, '{}')}`;
      const previous = seenRoutes.get(key);
      if (previous) collector.add(`routes.${name}.http`, `${route.http} is already served by ${previous}`);
      else seenRoutes.set(key, compiled.id);
      routes.push(compiled);
    }
    issues.push(...collector.issues);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { routes, types };
}

interface Globals {
  readonly types: Map<string, TypeDeclaration>;
  readonly objects: Map<string, Readonly<Record<string, FieldSpec>>>;
  readonly transforms: TransformContext;
}

/** Types, object mappings and code tables are shared by all files; a name may be declared once. */
function collectGlobals(parsed: readonly ParsedFile[], issues: ConfigIssue[]): Globals {
  const types = new Map<string, TypeDeclaration>();
  const objects = new Map<string, Readonly<Record<string, FieldSpec>>>();
  const codes = new Map<string, Record<string, string | number | boolean | null>>();
  const owners = new Map<string, string>();
  const declare = <T>(kind: string, target: Map<string, T>, file: string, name: string, value: T): void => {
    const owner = owners.get(`${kind}:${name}`);
    if (owner !== undefined) {
      issues.push({ file, path: `${kind}.${name}`, message: `${name} is already declared in ${owner}` });
      return;
    }
    owners.set(`${kind}:${name}`, file);
    target.set(name, value);
  };
  for (const { source, mapping } of parsed) {
    for (const [name, declaration] of Object.entries(mapping.types)) declare('types', types, source.file, name, declaration);
    for (const [name, fields] of Object.entries(mapping.objects)) declare('objects', objects, source.file, name, fields);
    for (const [name, table] of Object.entries(mapping.codes)) declare('codes', codes, source.file, name, table);
  }
  return { types, objects, transforms: { codeTable: (name) => codes.get(name) } };
}

function checkTypeDeclarations(mapping: MappingFile, types: TypeRegistry, issues: IssueCollector): void {
  for (const [name, declaration] of Object.entries(mapping.types)) {
    if (typeof declaration === 'object' && 'fields' in declaration) {
      for (const [field, spec] of Object.entries(declaration.fields)) {
        issues.guard(`types.${name}.fields.${field}`, () => types.checkSpec(spec));
      }
    } else {
      issues.guard(`types.${name}`, () => types.checkSpec(declaration));
    }
  }
}

function compileRoute(
  name: string,
  route: RouteSpec,
  mapping: MappingFile,
  source: MappingSource,
  types: TypeRegistry,
  environment: CompileEnvironment,
  context: CompileContext,
): CompiledRoute | undefined {
  const where = `routes.${name}`;
  const issues = context.issues;
  const [method, path] = route.http.split(' ') as [HttpMethod, string];
  const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
  const declaredParams = Object.keys(route.input.params ?? {});
  for (const param of pathParams) {
    if (!declaredParams.includes(param)) issues.add(`${where}.http`, `{${param}} is not declared under input.params`);
  }
  for (const param of declaredParams) {
    if (!pathParams.includes(param)) issues.add(`${where}.input.params.${param}`, `the path ${path} has no {${param}}`);
  }
  if (route.input.body !== undefined && method === 'GET') issues.add(`${where}.input.body`, 'a GET route cannot take a body');

  const input = issues.guard(`${where}.input`, () => inputSchema(route, types));
  const output = issues.guard(`${where}.output`, () => {
    types.checkSpec(route.output);
    return types.schemaFor(route.output, 'output');
  });
  const legacy = compileLegacyTarget(route, mapping, environment, `${where}.legacy`, context);
  const modern =
    route.modern === undefined
      ? undefined
      : compileModernTarget(route.modern, environment.upstreams ?? new Set(environment.contracts.keys()), sourceScope(route), `${where}.modern`, context);
  checkRouting(route, `${where}.routing`, issues);
  const examples = route.examples
    .map((example, index) => compileExample(example, index, legacy?.operation.soapVersion, source, `${where}.examples.${index}`, issues))
    .filter((example): example is CompiledExample => example !== undefined);
  if (!input || !output || !legacy || (route.modern && !modern)) return undefined;
  return {
    id: `${mapping.feature}.${name}`,
    feature: mapping.feature,
    method,
    path,
    summary: route.summary,
    description: route.description,
    successStatus: route.status,
    idempotent: route.idempotent ?? method === 'GET',
    timeoutMs: route.timeoutMs,
    input,
    hasBody: route.input.body !== undefined,
    output,
    declaredProblems: declaredProblems([...(route.legacy.faults?.rules ?? []), ...(mapping.faults?.rules ?? []), ...(route.modern?.errors ?? [])]),
    legacy,
    modern,
    routing: route.routing,
    stickyKey: stickyKeySource(route.routing.stickyKey),
    examples,
  };
}

function checkRouting(route: RouteSpec, where: string, issues: IssueCollector): void {
  const { routing } = route;
  // The sticky key also keys consistent-hash balancing, so a legacy-only route may declare it.
  const needsModern = routing.fallback !== undefined || routing.guards !== undefined || routing.shadow !== undefined;
  if (needsModern && route.modern === undefined) issues.add(where, 'routing settings need a modern target; add `modern:` to the route');
  const key = stickyKeySource(routing.stickyKey);
  if (key === undefined || key.from === 'header') return;
  if (!Object.hasOwn(route.input[key.from] ?? {}, key.name)) issues.add(`${where}.stickyKey`, `the route declares no input.${key.from}.${key.name}`);
}

/** `params.id` -> `{ from: 'params', name: 'id' }`; the config schema has checked the form. */
function stickyKeySource(declared: string | undefined): StickyKeySource | undefined {
  if (declared === undefined) return undefined;
  const dot = declared.indexOf('.');
  return { from: declared.slice(0, dot) as StickyKeySource['from'], name: declared.slice(dot + 1) };
}

function inputSchema(route: RouteSpec, types: TypeRegistry): z.ZodType<RouteInput> {
  const { params = {}, query = {}, body } = route.input;
  for (const spec of [...Object.values(params), ...Object.values(query)]) types.checkSpec(spec);
  if (body !== undefined) types.checkSpec(body);
  return z.object({
    params: types.objectSchema(params, 'param', 'reject'),
    query: types.objectSchema(query, 'param', 'strip'),
    body: body === undefined ? z.unknown().transform(() => undefined) : types.schemaFor(body, 'body'),
  }) as unknown as z.ZodType<RouteInput>;
}

function sourceScope(route: RouteSpec): SourceScope {
  return {
    params: new Set(Object.keys(route.input.params ?? {})),
    query: new Set(Object.keys(route.input.query ?? {})),
    hasBody: route.input.body !== undefined,
  };
}

function compileLegacyTarget(
  route: RouteSpec,
  mapping: MappingFile,
  environment: CompileEnvironment,
  where: string,
  context: CompileContext,
): CompiledLegacyTarget | undefined {
  const spec = route.legacy;
  const contract = environment.contracts.get(spec.upstream);
  if (!contract && environment.withoutContract?.has(spec.upstream)) return undefined;
  if (!contract) {
    const known = [...environment.contracts.keys()].join(', ') || 'none';
    context.issues.add(`${where}.upstream`, `no SOAP upstream (one with a wsdl) named ${spec.upstream} in gateway.yaml (known: ${known})`);
    return undefined;
  }
  const operation = contract.operations.get(spec.operation);
  if (!operation) {
    const known = [...contract.operations.keys()].join(', ');
    context.issues.add(`${where}.operation`, `${contract.source} has no operation ${spec.operation} (it has: ${known})`);
    return undefined;
  }
  const scope = sourceScope(route);
  const before = context.issues.issues.length;
  const buildRequest = compileRequestBody(spec.request, operation.input, scope, `${where}.request`, context);
  const readReply = compileReader(spec.response, operation.output, `${where}.response`, context);
  const mapFault = compileFaultMapper(spec.faults, mapping.faults, scope, { route: `${where}.faults`, feature: 'faults' }, context);
  if (context.issues.issues.length > before) return undefined;
  return { upstream: spec.upstream, operation, buildRequest, readReply, mapFault };
}

function compileExample(
  example: ExampleSpec,
  index: number,
  version: SoapVersion | undefined,
  source: MappingSource,
  where: string,
  issues: IssueCollector,
): CompiledExample | undefined {
  const text = example.legacyReply ?? issues.guard(`${where}.legacyReplyFile`, () => source.readRelative(example.legacyReplyFile!));
  if (text === undefined || version === undefined) return undefined;
  const reply = issues.guard(`${where}.${example.legacyReply !== undefined ? 'legacyReply' : 'legacyReplyFile'}`, () =>
    asEnvelope(text, version),
  );
  if (!reply) return undefined;
  return {
    name: example.name ?? `example ${index + 1}`,
    where: `${source.file}:${where}`,
    file: source.file,
    path: where,
    input: example.input,
    reply: reply.xml,
    replyStatus: reply.isFault ? 500 : 200,
    expect: example.expect,
    expectRequest: example.expectRequest,
    expectProblem: example.expectProblem,
  };
}

/** Examples may give the whole envelope or only the body's content; the latter is wrapped. */
function asEnvelope(text: string, version: SoapVersion): { xml: string; isFault: boolean } {
  const root = parseXml(text.trim());
  const envelopeNs = envelopeNamespace[version];
  if (root.name === 'Envelope') {
    const body = root.children.find((child) => child.name === 'Body');
    return { xml: text.trim(), isFault: body?.children[0]?.name === 'Fault' };
  }
  const prefix = version === '1.1' ? 'soap' : 'env';
  const xml =
    `<?xml version="1.0" encoding="utf-8"?><${prefix}:Envelope xmlns:${prefix}="${envelopeNs}">` +
    `<${prefix}:Body>${text.trim()}</${prefix}:Body></${prefix}:Envelope>`;
  return { xml, isFault: false };
}
