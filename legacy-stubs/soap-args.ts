/**
 * Reading the arguments node-soap hands a handler: the request's wrapper element parsed into a
 * plain object (`null` for an empty element), typed by the WSDL (xs:int becomes a number).
 */

/** A child of a parsed element, or undefined when the element is absent or empty. */
export function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** A text child, or undefined when it is absent or not text. */
export function textField(value: unknown, name: string): string | undefined {
  const child = field(value, name);
  return typeof child === 'string' ? child : undefined;
}
