import { z } from 'zod';
import type { TypeDeclaration, TypeSpec } from '../config/index.js';
import { parseIsoDate } from './transforms/index.js';

/**
 * Domain types are declared once in YAML (`types:`) and compiled to zod schemas, which validate
 * what clients send (input) and what the gateway is about to answer (output).
 */

/** `param` values arrive as strings (path, query) and are coerced; `body` and `output` are JSON. */
export type SchemaMode = 'param' | 'body' | 'output';

export const primitiveTypeNames = ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'decimal'] as const;
type PrimitiveName = (typeof primitiveTypeNames)[number];

export class UnknownTypeError extends Error {
  constructor(readonly typeName: string, known: readonly string[]) {
    super(`unknown type "${typeName}"; use one of ${[...primitiveTypeNames, ...known].join(', ')}`);
    this.name = 'UnknownTypeError';
  }
}

interface ParsedRef {
  readonly name: string;
  readonly list: boolean;
  readonly nullable: boolean;
}

/** `Address`, `Address[]`, `string?`, `Address[]?` */
export function parseTypeRef(text: string): ParsedRef {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(\[\])?(\?)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a type reference; write Name, Name[], Name? or Name[]?`);
  return { name: match[1]!, list: match[2] !== undefined, nullable: match[3] !== undefined };
}

const decimalPattern = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** The same check the `date` transform makes, so every date it writes passes (years 0001-0099 too). */
function isCalendarDate(text: string): boolean {
  return typeof parseIsoDate(text) !== 'string';
}

function primitiveSchema(name: PrimitiveName, mode: SchemaMode): z.ZodType {
  switch (name) {
    case 'string':
      return z.string();
    case 'decimal':
      return z.string().regex(decimalPattern, 'expected a decimal string like "1500.00"');
    case 'date':
      return z.string().refine(isCalendarDate, 'expected a date as YYYY-MM-DD').meta({ format: 'date' });
    case 'datetime':
      return z.iso.datetime({ offset: true });
    case 'integer':
      return mode === 'param'
        ? z.string().regex(/^-?\d{1,15}$/, 'expected an integer').transform(Number).pipe(z.number().int())
        : z.number().int().refine(Number.isSafeInteger, 'integer out of the safe range');
    case 'number':
      return mode === 'param'
        ? z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a number').transform(Number).pipe(z.number())
        : z.number();
    case 'boolean':
      return mode === 'param'
        ? z.enum(['true', 'false'], 'expected true or false').transform((value) => value === 'true').pipe(z.boolean())
        : z.boolean();
  }
}

function isPrimitive(name: string): name is PrimitiveName {
  return (primitiveTypeNames as readonly string[]).includes(name);
}

function applyConstraints(schema: z.ZodType, spec: Exclude<TypeSpec, string>): z.ZodType {
  let result = schema;
  if (result instanceof z.ZodString) {
    if (spec.pattern !== undefined) result = (result as z.ZodString).regex(new RegExp(spec.pattern), `must match ${spec.pattern}`);
    if (spec.minLength !== undefined) result = (result as z.ZodString).min(spec.minLength);
    if (spec.maxLength !== undefined) result = (result as z.ZodString).max(spec.maxLength);
  } else if (spec.pattern !== undefined || spec.minLength !== undefined || spec.maxLength !== undefined) {
    const matches = stringConstraints(spec);
    result = result.refine(
      (value) => typeof value !== 'string' || matches(value),
      spec.pattern ? `must match ${spec.pattern}` : 'length out of range',
    );
  }
  if (spec.minimum !== undefined || spec.maximum !== undefined) {
    const { minimum, maximum } = spec;
    result = result.refine(
      (value) => typeof value !== 'number' || ((minimum === undefined || value >= minimum) && (maximum === undefined || value <= maximum)),
      `must be ${describeRange(minimum, maximum)}`,
    );
  }
  // Refinements are invisible to JSON Schema (the OpenAPI document); say the same as keywords.
  const keywords = jsonSchemaKeywords(spec, result instanceof z.ZodString);
  if (keywords) result = result.meta(keywords);
  return spec.description ? result.describe(spec.description) : result;
}

function jsonSchemaKeywords(spec: Exclude<TypeSpec, string>, stringChecked: boolean): Record<string, unknown> | undefined {
  const keywords: Record<string, unknown> = {};
  if (!stringChecked) {
    if (spec.pattern !== undefined) keywords['pattern'] = spec.pattern;
    if (spec.minLength !== undefined) keywords['minLength'] = spec.minLength;
    if (spec.maxLength !== undefined) keywords['maxLength'] = spec.maxLength;
  }
  if (spec.minimum !== undefined) keywords['minimum'] = spec.minimum;
  if (spec.maximum !== undefined) keywords['maximum'] = spec.maximum;
  if (spec.example !== undefined) keywords['examples'] = [spec.example];
  return Object.keys(keywords).length > 0 ? keywords : undefined;
}

/** The string checks of a spec as one test, its pattern compiled here once, not per value. */
function stringConstraints(spec: Exclude<TypeSpec, string>): (value: string) => boolean {
  const pattern = spec.pattern === undefined ? undefined : new RegExp(spec.pattern);
  const { minLength, maxLength } = spec;
  return (value) =>
    (pattern === undefined || pattern.test(value)) &&
    (minLength === undefined || value.length >= minLength) &&
    (maxLength === undefined || value.length <= maxLength);
}

function describeRange(minimum: number | undefined, maximum: number | undefined): string {
  if (minimum !== undefined && maximum !== undefined) return `between ${minimum} and ${maximum}`;
  return minimum !== undefined ? `at least ${minimum}` : `at most ${maximum}`;
}

const declaredNames = new WeakMap<object, string>();

/**
 * The name of the declared type a schema is (`Customer`), or undefined for any other schema; the
 * OpenAPI document lists each declared type once, under this name, and refers to it.
 */
export function declaredTypeName(schema: object): string | undefined {
  return declaredNames.get(schema);
}

/**
 * Compiles and caches the schemas of all declared types. Named types are referenced lazily, so
 * types may refer to each other (and to themselves) in any order.
 */
export class TypeRegistry {
  private readonly cache = new Map<string, z.ZodType>();

  constructor(private readonly declarations: ReadonlyMap<string, TypeDeclaration>) {}

  has(name: string): boolean {
    return isPrimitive(name) || this.declarations.has(name);
  }

  get names(): string[] {
    return [...this.declarations.keys()];
  }

  /** The schema of a field or top-level spec; `optional`/`default` are honoured by `objectSchema`. */
  schemaFor(spec: TypeSpec, mode: SchemaMode): z.ZodType {
    if (typeof spec === 'string') return this.refSchema(parseTypeRef(spec), mode);
    let base: z.ZodType;
    if (spec.enum !== undefined) {
      base = enumSchema(spec.enum, mode);
    } else {
      const ref = parseTypeRef(spec.type!);
      base = applyConstraints(this.namedSchema(ref.name, mode), spec);
      if (ref.list) base = listSchema(base, spec.minItems, spec.maxItems);
      if (ref.nullable) base = base.nullable();
    }
    return spec.nullable ? base.nullable() : base;
  }

  /** A map of field specs as one object schema (used for params, query and declared object types). */
  objectSchema(fields: Readonly<Record<string, TypeSpec>>, mode: SchemaMode, unknownFields: 'reject' | 'strip'): z.ZodType {
    const shape: Record<string, z.ZodType> = {};
    for (const [field, spec] of Object.entries(fields)) shape[field] = this.fieldSchema(spec, mode);
    const object = z.object(shape);
    return mode === 'output' || unknownFields === 'strip' ? object.strip() : object.strict();
  }

  /** Throws UnknownTypeError for every name a spec mentions that is not declared. */
  checkSpec(spec: TypeSpec): void {
    const typeText = typeof spec === 'string' ? spec : spec.type;
    if (typeText === undefined) return;
    const { name } = parseTypeRef(typeText);
    if (!this.has(name)) throw new UnknownTypeError(name, this.names);
  }

  private fieldSchema(spec: TypeSpec, mode: SchemaMode): z.ZodType {
    const schema = this.schemaFor(spec, mode);
    if (typeof spec === 'string') return schema;
    if (spec.default !== undefined) return schema.default(spec.default as never);
    return spec.optional ? schema.optional() : schema;
  }

  private refSchema(ref: ParsedRef, mode: SchemaMode): z.ZodType {
    let schema = this.namedSchema(ref.name, mode);
    if (ref.list) schema = listSchema(schema);
    return ref.nullable ? schema.nullable() : schema;
  }

  private namedSchema(name: string, mode: SchemaMode): z.ZodType {
    if (isPrimitive(name)) return primitiveSchema(name, mode);
    const key = `${mode}:${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const declaration = this.declarations.get(name);
    if (declaration === undefined) throw new UnknownTypeError(name, this.names);
    // Lazy, so recursive and forward references resolve once every type is known.
    const schema = z.lazy(() => this.declarationSchema(declaration, mode));
    this.cache.set(key, schema);
    declaredNames.set(schema, name);
    return schema;
  }

  private declarationSchema(declaration: TypeDeclaration, mode: SchemaMode): z.ZodType {
    if (typeof declaration === 'object' && 'fields' in declaration) {
      const schema = this.objectSchema(declaration.fields, mode === 'param' ? 'body' : mode, declaration.unknownFields);
      return declaration.description ? schema.describe(declaration.description) : schema;
    }
    return this.schemaFor(declaration, mode);
  }
}

function listSchema(item: z.ZodType, minItems?: number, maxItems?: number): z.ZodType {
  let list = z.array(item);
  if (minItems !== undefined) list = list.min(minItems);
  if (maxItems !== undefined) list = list.max(maxItems);
  return list;
}

function enumSchema(values: ReadonlyArray<string | number | boolean>, mode: SchemaMode): z.ZodType {
  const literals = values.map((value) => z.literal(mode === 'param' ? String(value) : value));
  const [first, ...rest] = literals;
  const schema = rest.length === 0 ? first! : z.union([first!, ...rest]);
  return schema.describe(`one of ${values.join(', ')}`);
}
