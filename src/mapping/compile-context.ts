import type { IssueCollector } from '../config/index.js';
import { fieldKeywords, type FieldSpec, type FieldSpecObject } from '../config/index.js';
import { compileTransform, isTransformConfigError, type CompiledTransform, type TransformContext } from './transforms/index.js';

/** What compiling one mapping file needs to know besides the spec at hand. */
export interface CompileContext {
  readonly issues: IssueCollector;
  readonly namespaces: Readonly<Record<string, string>>;
  /** Reusable object mappings of all files, by name. */
  readonly objects: ReadonlyMap<string, Readonly<Record<string, FieldSpec>>>;
  readonly transforms: TransformContext;
}

const keywords = new Set<string>(fieldKeywords);
const reservedNames = new Set(['__proto__', 'constructor', 'prototype']);

export function isReservedName(name: string): boolean {
  return reservedNames.has(name);
}

/** The transforms of a field, in the order written; config errors are collected, not thrown. */
export function compileTransformChain(spec: FieldSpecObject, where: string, context: CompileContext): CompiledTransform[] {
  const chain: CompiledTransform[] = [];
  for (const [key, option] of Object.entries(spec)) {
    if (keywords.has(key)) continue;
    try {
      chain.push(compileTransform(key, option, context.transforms));
    } catch (error) {
      if (!isTransformConfigError(error)) throw error;
      for (const issue of error.issues) context.issues.add([where, key, ...issue.path].join('.'), issue.message);
    }
  }
  return chain;
}

export function hasTransforms(spec: FieldSpecObject): boolean {
  return Object.keys(spec).some((key) => !keywords.has(key));
}
