import { z } from 'zod';
import type { TransformConfigIssue } from './errors.js';

/**
 * Messages for the few zod defaults a migration engineer would stumble over; everything else
 * keeps zod's wording. Returning undefined falls through to zod's own message.
 */
export const optionErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `'${key}'`).join(', ');
    return issue.keys.length === 1 ? `unknown option ${keys}` : `unknown options ${keys}`;
  }
  return undefined;
};

/** The kind of YAML value an option was written as; shorthand forms differ by kind. */
export type OptionShape = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null';

function shapeOf(input: unknown): OptionShape {
  if (input === null || input === undefined) return 'null';
  if (Array.isArray(input)) return 'array';
  switch (typeof input) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

/** How one written form of an option is checked: its schema, or a choice among schemas by content. */
export type OptionForm<T> = z.ZodType<T> | ((input: unknown) => z.ZodType<T>);

/**
 * An option schema that accepts several written forms and picks the one to check by the kind
 * of value written. A plain z.union reports a failed option as "Invalid input" with one nested
 * error list per form; choosing the form first lets an error point into the form that was meant
 * (`codes.legacyFor.active: ...`) and otherwise say, in words, which forms are accepted.
 *
 * @example
 * byShape("true or { width: <n> }", { boolean: trueForm, object: objectForm })
 */
export function byShape<T>(expected: string, forms: Partial<Record<OptionShape, OptionForm<T>>>): z.ZodType<T> {
  return z.unknown().transform((input, context): T => {
    const form = forms[shapeOf(input)];
    if (form === undefined) {
      const message = input === undefined ? 'required' : `expected ${expected}`;
      context.addIssue({ code: 'custom', message, input });
      return z.NEVER;
    }
    const schema = typeof form === 'function' ? form(input) : form;
    const result = schema.safeParse(input, { error: optionErrorMap });
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      context.addIssue({ code: 'custom', message: issue.message, path: issue.path, input });
    }
    return z.NEVER;
  });
}

/** Issues of a failed option parse, with paths relative to the option. */
export function issuesOf(error: z.ZodError): TransformConfigIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment))),
    message: issue.message,
  }));
}

/**
 * A legacy code written in YAML. Unquoted `1` or `true` arrive as a number or boolean; legacy XML
 * only ever carries text, so they are kept as the text they were written as. (YAML drops leading
 * zeros of unquoted numbers, so `01` must be quoted; nothing here can tell.)
 */
export const legacyCode = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected a legacy code (text)' })
  .transform((code) => String(code));

/** A domain value of a code table: text, or a YAML boolean/number kept as its JSON type. */
export const domainCode = z.union([z.string(), z.number(), z.boolean()], {
  error: 'expected a text, number or boolean value (use nullIf for null)',
});
