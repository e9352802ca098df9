import type { FieldSpec } from '../config/index.js';
import { chainToLegacy, compileTransformChain, isReservedName, type CompileContext } from './compile-context.js';
import { asRequestError, RequestMappingError } from './mapping-errors.js';
import { compileSource, type RouteInput, type SourceScope } from './sources.js';
import type { CompiledTransform, Scalar } from './transforms/index.js';

/**
 * Compiles a JSON template for a modern target's request body or query: keys are the modern
 * service's names, values come from the route input (`$body.street`), through transforms.
 */
export type JsonWriter = (input: RouteInput) => unknown;

export function compileJsonTemplate(
  template: string | Readonly<Record<string, FieldSpec>>,
  scope: SourceScope,
  where: string,
  context: CompileContext,
): JsonWriter {
  if (typeof template === 'string') return compileValue(template, scope, where, context);
  const writers: Array<readonly [string, JsonWriter]> = [];
  for (const [key, spec] of Object.entries(template)) {
    if (isReservedName(key)) context.issues.add(`${where}.${key}`, `${key} cannot be a key`);
    else writers.push([key, compileValue(spec, scope, `${where}.${key}`, context)]);
  }
  return (input) => {
    const result: Record<string, unknown> = {};
    for (const [key, write] of writers) {
      const value = write(input);
      if (value !== undefined) result[key] = value;
    }
    return result;
  };
}

function compileValue(spec: FieldSpec, scope: SourceScope, where: string, context: CompileContext): JsonWriter {
  if (typeof spec === 'string' && spec.startsWith('$')) return compileValue({ from: spec }, scope, where, context);
  if (spec === null || typeof spec !== 'object') return () => spec;
  if (spec.const !== undefined) {
    const value = spec.const;
    return () => value;
  }
  if (spec.fields !== undefined) return compileJsonTemplate(spec.fields, scope, `${where}.fields`, context);
  if (spec.from === undefined) {
    context.issues.add(where, 'say where the value comes from: from: $params.x, $query.x or $body...');
    return () => undefined;
  }
  const source = context.issues.guard(`${where}.from`, () => compileSource(spec.from!, scope));
  if (!source) return () => undefined;
  const chain = compileTransformChain(spec, where, context);
  const fallback = spec.default;
  return (input) => {
    const value = source.read(input);
    if (value === undefined || value === null) return fallback ?? (value === null ? null : undefined);
    if (chain.length === 0) return value;
    try {
      return toModern(chain, value);
    } catch (error) {
      throw asRequestError(error, source.path);
    }
  };
}

/** The modern side is "legacy" for the transform chain: its options describe the other system. */
function toModern(chain: readonly CompiledTransform[], value: unknown): Scalar {
  if (typeof value === 'object') throw new RequestMappingError([], 'expected a single value, not an object or list');
  return chainToLegacy(chain, value as Scalar);
}

