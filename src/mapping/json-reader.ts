import type { FieldSpec, FieldSpecObject } from '../config/index.js';
import { chainToDomain, compileTransformChain, concatenate, isReservedName, type CompileContext } from './compile-context.js';
import { asReplyError, ReplyMappingError } from './mapping-errors.js';
import { objectFieldsOf } from './reply-reader.js';
import type { CompiledTransform, Scalar } from './transforms/index.js';

/**
 * Compiles a modern target's reply mapping: the modern service's JSON -> the domain model. The
 * same field language as for legacy XML, with paths into JSON (`creditLimit.amount`).
 */
export type JsonReader = (value: unknown) => unknown;

export function compileJsonReader(spec: FieldSpec, where: string, context: CompileContext): JsonReader {
  if (typeof spec === 'string') return compileJsonReader({ from: spec }, where, context);
  if (spec === null || typeof spec !== 'object') {
    context.issues.add(where, `${JSON.stringify(spec)} is not a path; write a path like customerId, or { const: ${JSON.stringify(spec)} }`);
    return () => null;
  }
  if (spec.const !== undefined) {
    const value = spec.const;
    return () => value;
  }
  if (spec.concat !== undefined) return compileConcat(spec, where, context);
  const keys = jsonPath(spec.each ?? spec.from ?? '.', where, context);
  const list = spec.each !== undefined;
  const objectFields = objectFieldsOf(spec, where, context);
  const item: JsonReader = objectFields
    ? objectReader(objectFields.fields, objectFields.where, context)
    : scalarReader(compileTransformChain(spec, where, context));
  const fallback = spec.default ?? null;
  if (list) {
    return (value) => {
      const found = select(value, keys);
      if (found === undefined || found === null) return [];
      if (!Array.isArray(found)) throw new ReplyMappingError([], 'expected a list');
      return found.map((element, index) => {
        try {
          return item(element);
        } catch (error) {
          throw asReplyError(error).at(index);
        }
      });
    };
  }
  return (value) => {
    const found = select(value, keys);
    if (found === undefined || found === null) return fallback;
    const result = item(found);
    return result === null ? fallback : result;
  };
}

function objectReader(fields: Readonly<Record<string, FieldSpec>>, where: string, context: CompileContext): JsonReader {
  const readers: Array<readonly [string, JsonReader]> = [];
  for (const [name, spec] of Object.entries(fields)) {
    if (isReservedName(name)) context.issues.add(`${where}.${name}`, `${name} cannot be a field name`);
    else readers.push([name, compileJsonReader(spec, `${where}.${name}`, context)]);
  }
  return (value) => {
    if (typeof value !== 'object' || Array.isArray(value)) throw new ReplyMappingError([], 'expected an object');
    const result: Record<string, unknown> = {};
    for (const [name, read] of readers) {
      try {
        result[name] = read(value);
      } catch (error) {
        throw asReplyError(error).at(name);
      }
    }
    return result;
  };
}

function scalarReader(chain: readonly CompiledTransform[]): JsonReader {
  return (value) => {
    if (typeof value === 'object' && value !== null) throw new ReplyMappingError([], 'expected a single value, not an object or list');
    return chainToDomain(chain, value as Scalar);
  };
}

function compileConcat(spec: FieldSpecObject, where: string, context: CompileContext): JsonReader {
  const parts = (spec.concat ?? []).map((path, index) => compileJsonReader({ from: path }, `${where}.concat.${index}`, context));
  const chain = compileTransformChain(spec, where, context);
  const separator = spec.separator ?? '';
  return (value) => chainToDomain(chain, concatenate(parts.map((read) => read(value)), separator));
}

function jsonPath(text: string, where: string, context: CompileContext): readonly string[] {
  if (text === '.') return [];
  const keys = text.split('.');
  if (keys.some((key) => key === '' || isReservedName(key))) {
    context.issues.add(where, `"${text}" is not a JSON path; write keys joined by dots, e.g. creditLimit.amount`);
  }
  return keys;
}

function select(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

