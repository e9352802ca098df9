import type { FieldSpec, FieldSpecObject, ScalarValue } from '../config/index.js';
import { illegalCharacterIn, type XmlNode } from '../soap/index.js';
import type { ElementShape } from '../soap/index.js';
import { chainToLegacy, compileTransformChain, type CompileContext } from './compile-context.js';
import { parseLegacyPath } from './legacy-path.js';
import { asRequestError, RequestMappingError } from './mapping-errors.js';
import { objectFieldsOf } from './reply-reader.js';
import { compileSource, type RouteInput, type SourceScope } from './sources.js';
import type { CompiledTransform, Scalar } from './transforms/index.js';

/**
 * Compiles the request side of a mapping: route input -> the SOAP body element, as a tree of
 * XmlNodes that the envelope builder escapes. A request template is keyed by legacy element names
 * (in any order; the WSDL's sequence order is restored); a reused object mapping (`use:`) is
 * applied backwards, domain field -> legacy element.
 */

type Writer = (input: RouteInput, parent: XmlNode[]) => void;
type ValueWriter = (value: unknown, parent: XmlNode[]) => void;

interface Placed<W> {
  readonly order: readonly number[];
  readonly write: W;
}

export function compileRequestBody(
  template: Readonly<Record<string, FieldSpec>>,
  root: ElementShape,
  scope: SourceScope,
  where: string,
  context: CompileContext,
): (input: RouteInput) => XmlNode {
  const write = compileTemplate(template, root, scope, where, context);
  return (input) => {
    const children: XmlNode[] = [];
    write(input, children);
    return { name: root.name, ns: root.ns, children };
  };
}

function compileTemplate(
  template: Readonly<Record<string, FieldSpec>>,
  parent: ElementShape | null,
  scope: SourceScope,
  where: string,
  context: CompileContext,
): Writer {
  const writers: Array<Placed<Writer>> = [];
  for (const [name, spec] of Object.entries(template)) {
    const at = `${where}.${name}`;
    const child = childShape(parent, name, at, context);
    if (child === undefined) continue;
    writers.push({ order: [child.index], write: compileElement(spec, child.shape, scope, at, context) });
  }
  return sequence(sortByOrder(writers));
}

/** One legacy element of a request template and where its value comes from. */
function compileElement(spec: FieldSpec, shape: ElementShape, scope: SourceScope, where: string, context: CompileContext): Writer {
  if (typeof spec === 'string' && spec.startsWith('$')) return compileElement({ from: spec }, shape, scope, where, context);
  if (spec === null) {
    context.issues.add(where, 'null is not a value; omit the element, or write { from: $..., nil: true }');
    return () => undefined;
  }
  if (typeof spec !== 'object') return constantElement(shape, String(spec));
  if (spec.const !== undefined && spec.const !== null) return constantElement(shape, String(spec.const));
  if (spec.concat !== undefined) {
    context.issues.add(where, 'concat joins reply values; it cannot build a request element');
    return () => undefined;
  }
  if (spec.from === undefined && spec.each === undefined) {
    if (spec.fields === undefined) {
      context.issues.add(where, 'say where the value comes from: from: $params.x, $query.x or $body...');
      return () => undefined;
    }
    const writeChildren = compileTemplate(spec.fields, shape, scope, `${where}.fields`, context);
    return (input, parent) => {
      const children: XmlNode[] = [];
      writeChildren(input, children);
      parent.push({ name: shape.name, ns: shape.ns, children });
    };
  }
  const sourceText = spec.each ?? spec.from!;
  const source = context.issues.guard(`${where}.${spec.each !== undefined ? 'each' : 'from'}`, () => compileSource(sourceText, scope));
  if (!source) return () => undefined;
  const writeValue = compileValueWriter(spec, shape, spec.each !== undefined || shape.repeated, where, context);
  return (input, parent) => {
    try {
      writeValue(source.read(input), parent);
    } catch (error) {
      throw asRequestError(error, source.path);
    }
  };
}

/** A domain value (scalar, object or list) -> one or more elements named after `shape`. */
function compileValueWriter(
  spec: FieldSpecObject,
  shape: ElementShape,
  list: boolean,
  where: string,
  context: CompileContext,
): ValueWriter {
  const objectFields = objectFieldsOf(spec, where, context);
  const writeOne: ValueWriter = objectFields
    ? objectElementWriter(compileObjectWriter(objectFields.fields, shape, objectFields.where, context), shape)
    : scalarElementWriter(compileTransformChain(spec, where, context), shape, spec.default ?? null, spec.nil === true);
  if (!list) return writeOne;
  return (value, parent) => {
    if (value === undefined || value === null) return;
    if (!Array.isArray(value)) throw new RequestMappingError([], 'expected a list');
    value.forEach((item, index) => {
      try {
        writeOne(item, parent);
      } catch (error) {
        throw asRequestError(error, [index]);
      }
    });
  };
}

/** A reused object mapping backwards: domain object -> the children of one legacy element. */
function compileObjectWriter(
  fields: Readonly<Record<string, FieldSpec>>,
  shape: ElementShape | null,
  where: string,
  context: CompileContext,
): ValueWriter {
  const writers: Array<Placed<ValueWriter>> = [];
  for (const [name, spec] of Object.entries(fields)) {
    const placed = compileObjectField(name, typeof spec === 'string' ? { from: spec } : spec, shape, `${where}.${name}`, context);
    if (placed) writers.push(placed);
  }
  const sorted = sortByOrder(writers);
  return (value, parent) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RequestMappingError([], 'expected an object');
    for (const { write } of sorted) write(value, parent);
  };
}

function compileObjectField(
  name: string,
  spec: FieldSpec,
  shape: ElementShape | null,
  where: string,
  context: CompileContext,
): Placed<ValueWriter> | undefined {
  if (spec === null || typeof spec !== 'object') return undefined; // reported by the reply compiler
  if (spec.const !== undefined) return undefined; // a domain constant has no legacy counterpart
  if (spec.concat !== undefined) {
    context.issues.add(where, 'concat cannot be reversed, so this object mapping cannot build a request');
    return undefined;
  }
  const pathText = spec.each ?? spec.from ?? '.';
  const path = context.issues.guard(where, () => parseLegacyPath(pathText, context.namespaces));
  if (!path) return undefined;
  if (path.attribute !== undefined) {
    context.issues.add(where, 'this object mapping reads an attribute, and requests cannot write attributes yet');
    return undefined;
  }
  const placement = placeSteps(path.steps.map((step) => step.local), shape, where, context);
  if (!placement) return undefined;
  const { order, shapes } = placement;
  const target = shapes[shapes.length - 1] ?? shape;

  let writeValue: ValueWriter;
  if (shapes.length === 0) {
    // `.`: the field's object is written into the same element.
    const objectFields = objectFieldsOf(spec, where, context);
    writeValue = objectFields ? compileObjectWriter(objectFields.fields, shape, objectFields.where, context) : () => undefined;
  } else {
    writeValue = compileValueWriter(spec, target!, spec.each !== undefined || target!.repeated, where, context);
  }
  const intermediates = shapes.slice(0, -1);
  return {
    order,
    write: (value, parent) => {
      const fieldValue = (value as Record<string, unknown>)[name];
      if (fieldValue === undefined && spec.default === undefined && spec.nil !== true) return;
      try {
        writeValue(fieldValue, containerFor(parent, intermediates));
      } catch (error) {
        throw asRequestError(error, [name]);
      }
    },
  };
}

function placeSteps(
  steps: readonly string[],
  start: ElementShape | null,
  where: string,
  context: CompileContext,
): { order: number[]; shapes: ElementShape[] } | undefined {
  const order: number[] = [];
  const shapes: ElementShape[] = [];
  let current = start;
  for (const step of steps) {
    const child = childShape(current, step, where, context);
    if (child === undefined) return undefined;
    order.push(child.index);
    shapes.push(child.shape);
    current = child.shape;
  }
  return { order, shapes };
}

/** Intermediate elements of a dotted path are shared by sibling fields (`Premium.Amount`, `Premium.Currency`). */
function containerFor(parent: XmlNode[], intermediates: readonly ElementShape[]): XmlNode[] {
  let children = parent;
  for (const shape of intermediates) {
    const last = children[children.length - 1];
    if (last !== undefined && last.name === shape.name && last.ns === shape.ns && last.children) {
      children = last.children;
    } else {
      const node: XmlNode = { name: shape.name, ns: shape.ns, children: [] };
      children.push(node);
      children = node.children!;
    }
  }
  return children;
}

function objectElementWriter(writeChildren: ValueWriter, shape: ElementShape): ValueWriter {
  return (value, parent) => {
    if (value === undefined || value === null) return;
    const children: XmlNode[] = [];
    writeChildren(value, children);
    parent.push({ name: shape.name, ns: shape.ns, children });
  };
}

function scalarElementWriter(chain: readonly CompiledTransform[], shape: ElementShape, fallback: ScalarValue, nil: boolean): ValueWriter {
  return (value, parent) => {
    const legacy = legacyText(chain, value === undefined || value === null ? fallback : expectScalar(value));
    if (legacy === null) {
      if (nil) parent.push({ name: shape.name, ns: shape.ns, nil: true });
      return;
    }
    parent.push({ name: shape.name, ns: shape.ns, text: legacy });
  };
}

function constantElement(shape: ElementShape, text: string): Writer {
  return (_input, parent) => {
    parent.push({ name: shape.name, ns: shape.ns, text });
  };
}

function childShape(
  parent: ElementShape | null,
  name: string,
  where: string,
  context: CompileContext,
): { shape: ElementShape; index: number } | undefined {
  if (parent === null || parent.children === null) {
    context.issues.add(where, `the WSDL does not describe the children of ${parent?.name ?? 'this element'}, so ${name} cannot be placed`);
    return undefined;
  }
  let index = 0;
  for (const [childName, shape] of parent.children) {
    if (childName === name) return { shape, index };
    index++;
  }
  const known = [...parent.children.keys()].join(', ') || 'none';
  context.issues.add(where, `${parent.name} has no element ${name} (its elements: ${known})`);
  return undefined;
}

function sequence(writers: ReadonlyArray<Placed<Writer>>): Writer {
  return (input, parent) => {
    for (const { write } of writers) write(input, parent);
  };
}

/** Lexicographic by position in the schema, so elements go out in the WSDL's sequence order. */
function sortByOrder<W>(items: Array<Placed<W>>): Array<Placed<W>> {
  return items.sort((a, b) => {
    const length = Math.min(a.order.length, b.order.length);
    for (let index = 0; index < length; index++) {
      const difference = a.order[index]! - b.order[index]!;
      if (difference !== 0) return difference;
    }
    return a.order.length - b.order.length;
  });
}

/** The element text a request value becomes: the chain's result, as text. */
function legacyText(chain: readonly CompiledTransform[], value: Scalar): string | null {
  const result = chainToLegacy(chain, value);
  if (result === null) return null;
  const text = typeof result === 'string' ? result : String(result);
  // A client's control character would otherwise fail when the envelope is written, as a 500
  // that names a legacy element: here it is the client's field that is refused, with a 400.
  const illegal = illegalCharacterIn(text);
  if (illegal !== undefined) throw new RequestMappingError([], `contains ${illegal}, a character the backend system cannot receive`);
  return text;
}

function expectScalar(value: unknown): Scalar {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new RequestMappingError([], 'expected a single value, not an object or list');
}

