import type { XmlElement } from '../../../src/soap/index.js';

/**
 * The `kind` of the error `run` throws, when `guard` accepts it; 'no error' when `run` returns.
 * Any other error fails the test.
 */
export function thrownKind<Kind extends string>(
  run: () => unknown,
  guard: (error: unknown) => error is { readonly kind: Kind },
): Kind | 'no error' {
  try {
    run();
    return 'no error';
  } catch (error) {
    if (guard(error)) return error.kind;
    throw error;
  }
}

/** A parsed element as plain data, for comparing two trees with `toEqual`. */
export function shape(element: XmlElement): unknown {
  return [element.name, element.ns, element.text, element.nil, { ...element.attributes }, element.children.map(shape)];
}
