import type { IssueCollector } from '../config/index.js';
import { isFieldKeyword, type FieldSpec, type FieldSpecObject } from '../config/index.js';
import {
  compileTransform, isTransformConfigError, type CompiledTransform, type Scalar, type TransformContext, type TransformDefinition,
} from './transforms/index.js';

/** What compiling one mapping file needs to know besides the spec at hand. */
export interface CompileContext {
  readonly issues: IssueCollector;
  readonly namespaces: Readonly<Record<string, string>>;
  /** Reusable object mappings of all files, by name. */
  readonly objects: ReadonlyMap<string, Readonly<Record<string, FieldSpec>>>;
  readonly transforms: TransformContext;
  /** The transforms a field may name: the built-ins and gateway.yaml's custom ones. */
  readonly registry: ReadonlyMap<string, TransformDefinition<unknown>>;
}

const reservedNames = new Set(['__proto__', 'constructor', 'prototype']);

export function isReservedName(name: string): boolean {
  return reservedNames.has(name);
}

/** The transforms of a field, in the order written; config errors are collected, not thrown. */
export function compileTransformChain(spec: FieldSpecObject, where: string, context: CompileContext): CompiledTransform[] {
  const chain: CompiledTransform[] = [];
  for (const [key, option] of Object.entries(spec)) {
    if (isFieldKeyword(key)) continue;
    try {
      chain.push(compileTransform(key, option, context.transforms, context.registry));
    } catch (error) {
      if (!isTransformConfigError(error)) throw error;
      for (const issue of error.issues) context.issues.add([where, key, ...issue.path].join('.'), issue.message);
    }
  }
  return chain;
}

/** A reply value through a field's chain: each transform's toDomain, in the order written. */
export function chainToDomain(chain: readonly CompiledTransform[], value: Scalar): Scalar {
  let result = value;
  for (let index = 0; index < chain.length; index++) result = chain[index]!.toDomain(result);
  return result;
}

/** A request value through a field's chain: each transform's toLegacy, in reverse order. */
export function chainToLegacy(chain: readonly CompiledTransform[], value: Scalar): Scalar {
  let result = value;
  for (let index = chain.length - 1; index >= 0; index--) result = chain[index]!.toLegacy(result);
  return result;
}

/** `concat`: the parts that are neither null nor empty, joined; null when none is left. */
export function concatenate(parts: readonly unknown[], separator: string): string | null {
  const present = parts.filter((part) => part !== null && part !== '');
  return present.length === 0 ? null : present.join(separator);
}
