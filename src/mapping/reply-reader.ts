import type { FieldSpec, FieldSpecObject, ScalarValue } from '../config/index.js';
import { childrenNamed, type XmlElement } from '../soap/index.js';
import type { ElementShape } from '../soap/index.js';
import { chainToDomain, compileTransformChain, concatenate, isReservedName, type CompileContext } from './compile-context.js';
import { parseLegacyPath, resolvePathShape, type LegacyPath, type PathStep } from './legacy-path.js';
import { asReplyError, ReplyMappingError } from './mapping-errors.js';

/**
 * Compiles the reply side of a mapping: legacy XML element -> domain value. Everything that can be
 * decided at load (paths, list or not, transforms, WSDL checks) is decided here; the returned
 * functions only walk the tree.
 */
export type Reader = (element: XmlElement) => unknown;

const readsNothing: Reader = () => null;

export function compileReader(spec: FieldSpec, shape: ElementShape | null, where: string, context: CompileContext): Reader {
  if (typeof spec === 'string') return compileReader({ from: spec }, shape, where, context);
  if (spec === null || typeof spec !== 'object') {
    context.issues.add(where, `${JSON.stringify(spec)} is not a path; write a path like CustNo, or { const: ${JSON.stringify(spec)} }`);
    return readsNothing;
  }
  if (spec.const !== undefined) return constant(spec.const);
  if (spec.concat !== undefined) return compileConcat(spec, shape, where, context);
  if (spec.from !== undefined && spec.each !== undefined) {
    context.issues.add(where, 'give `from` (one element) or `each` (a list), not both');
    return readsNothing;
  }
  const pathText = spec.each ?? spec.from ?? '.';
  const pathWhere = `${where}.${spec.each !== undefined ? 'each' : 'from'}`;
  const path = context.issues.guard(pathWhere, () => parseLegacyPath(pathText, context.namespaces));
  if (!path) return readsNothing;
  const resolved = context.issues.guard(pathWhere, () => resolvePathShape(path, shape));
  const target = resolved?.shape ?? null;
  const list = spec.each !== undefined || (resolved?.repeated ?? false);
  const item = compileItemReader(spec, target, path.attribute !== undefined, where, context);
  return list ? listReader(path, item) : singleReader(path, item, spec.default ?? null);
}

/** How one selected element becomes a domain value: an object, or a transformed scalar. */
function compileItemReader(
  spec: FieldSpecObject,
  shape: ElementShape | null,
  isAttribute: boolean,
  where: string,
  context: CompileContext,
): (element: XmlElement, attribute: string | undefined) => unknown {
  const objectFields = objectFieldsOf(spec, where, context);
  if (objectFields !== undefined) {
    if (isAttribute) context.issues.add(where, 'an attribute has no fields; drop `use`/`fields` or point `from` at an element');
    const readObject = compileObjectReader(objectFields.fields, shape, objectFields.where, context);
    return (element) => (element.nil ? null : readObject(element));
  }
  if (shape?.children) {
    context.issues.add(where, `${shape.name} has child elements (${[...shape.children.keys()].join(', ')}); map them with fields: or use:`);
  }
  const chain = compileTransformChain(spec, where, context);
  return (element, attribute) => chainToDomain(chain, attribute !== undefined ? attribute : scalarOf(element));
}

/** A reusable (`use:`) or inline (`fields:`) object mapping of a field, if it has one. */
export function objectFieldsOf(
  spec: FieldSpecObject,
  where: string,
  context: CompileContext,
): { fields: Readonly<Record<string, FieldSpec>>; where: string } | undefined {
  if (spec.use !== undefined && spec.fields !== undefined) {
    context.issues.add(where, 'give `use` (a named object mapping) or `fields` (inline), not both');
  }
  if (spec.use !== undefined) {
    const fields = context.objects.get(spec.use);
    if (fields === undefined) {
      const known = [...context.objects.keys()].join(', ') || 'none declared';
      context.issues.add(`${where}.use`, `no object mapping named ${spec.use} (known: ${known})`);
      return { fields: {}, where };
    }
    return { fields, where: `objects.${spec.use}` };
  }
  return spec.fields !== undefined ? { fields: spec.fields, where: `${where}.fields` } : undefined;
}

export function compileObjectReader(
  fields: Readonly<Record<string, FieldSpec>>,
  shape: ElementShape | null,
  where: string,
  context: CompileContext,
): Reader {
  const names: string[] = [];
  const readers: Reader[] = [];
  for (const [name, fieldSpec] of Object.entries(fields)) {
    if (isReservedName(name)) {
      context.issues.add(`${where}.${name}`, `${name} cannot be a field name`);
      continue;
    }
    names.push(name);
    readers.push(compileReader(fieldSpec, shape, `${where}.${name}`, context));
  }
  return (element) => {
    const result: Record<string, unknown> = {};
    let index = 0;
    try {
      // Plain loops: this runs once per object of a reply, thousands of times for a large one.
      for (; index < readers.length; index++) result[names[index]!] = readers[index]!(element);
    } catch (error) {
      throw asReplyError(error).at(names[index]!);
    }
    return result;
  };
}

function singleReader(
  path: LegacyPath,
  item: (element: XmlElement, attribute: string | undefined) => unknown,
  fallback: ScalarValue,
): Reader {
  return (context) => {
    const element = selectOne(context, path);
    if (element === undefined) return fallback;
    let attribute: string | undefined;
    if (path.attribute !== undefined) {
      attribute = element.attributes[path.attribute];
      if (attribute === undefined) return fallback;
    }
    const value = item(element, attribute);
    return value === null ? fallback : value;
  };
}

function listReader(path: LegacyPath, item: (element: XmlElement, attribute: string | undefined) => unknown): Reader {
  const parentPath: LegacyPath = { ...path, steps: path.steps.slice(0, -1) };
  const last = path.steps[path.steps.length - 1];
  return (context) => {
    const elements = selectAll(context, parentPath, last);
    const values: unknown[] = new Array(elements.length);
    for (let index = 0; index < elements.length; index++) {
      const element = elements[index]!;
      try {
        values[index] = item(element, path.attribute === undefined ? undefined : element.attributes[path.attribute]);
      } catch (error) {
        throw asReplyError(error).at(index);
      }
    }
    return values;
  };
}

function compileConcat(spec: FieldSpecObject, shape: ElementShape | null, where: string, context: CompileContext): Reader {
  const parts = (spec.concat ?? []).map((pathText, index) =>
    compileReader({ from: pathText }, shape, `${where}.concat.${index}`, context),
  );
  const separator = spec.separator ?? '';
  const chain = compileTransformChain(spec, where, context);
  return (element) => chainToDomain(chain, concatenate(parts.map((read) => read(element)), separator));
}

function constant(value: ScalarValue): Reader {
  return () => value;
}

function scalarOf(element: XmlElement): string | null {
  if (element.nil) return null;
  if (element.children.length > 0) {
    throw new ReplyMappingError([], `${element.name} has child elements where a simple value is expected`);
  }
  return element.text;
}

/** At most one element where one is expected: duplicates are a contract breach, never a guess. */
function selectOne(context: XmlElement, path: LegacyPath): XmlElement | undefined {
  let current = context;
  const { steps } = path;
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index]!;
    const found = childrenNamed(current, step.local, step.ns);
    if (found.length === 0) return undefined;
    if (found.length > 1) throw new ReplyMappingError([], `${step.local} appears ${found.length} times where one is expected`);
    current = found[0]!;
  }
  return current;
}

function selectAll(context: XmlElement, parentPath: LegacyPath, last: PathStep | undefined): readonly XmlElement[] {
  if (last === undefined) return [context];
  const parent = selectOne(context, parentPath);
  return parent === undefined ? [] : childrenNamed(parent, last.local, last.ns);
}

