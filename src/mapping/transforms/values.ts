import { TransformError } from './errors.js';
import type { CompiledTransform, PresentScalar, PresentValueDirections, Scalar } from './types.js';

/**
 * A transform for which null (xsi:nil, or absent) passes through unchanged in both directions, as
 * it does for every transform but nullIf: its directions are only ever given a value.
 */
export function passingNull(name: string, directions: PresentValueDirections): CompiledTransform {
  const { toDomain, toLegacy } = directions;
  return {
    name,
    toDomain: (value: Scalar): Scalar => (value === null ? null : toDomain(value)),
    toLegacy: (value: Scalar): Scalar => (value === null ? null : toLegacy(value)),
  };
}

/**
 * The text of a non-null value for transforms that work on text. A safe integer is accepted as
 * its decimal digits, because identifiers often arrive as JSON numbers; a boolean or a
 * fractional number is refused rather than stringified into something nobody meant.
 */
export function requireText(transform: string, value: PresentScalar): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new TransformError(transform, value, 'expected text');
}

/**
 * The key a scalar is compared by in code lookups. YAML turns `1:` and `true` into numbers and
 * booleans, legacy XML always sends text, so codes compare as strings.
 */
export function codeKey(value: PresentScalar): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * Length in Unicode code points, not UTF-16 units, so a fixed-width field holding `é` or an
 * emoji is measured as a person would count it. (Byte widths of legacy encodings are not ours.)
 */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) i += 1;
    count += 1;
  }
  return count;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Pads `text` with `fill` to `width` code points; the caller has checked it is not longer. */
export function padText(text: string, width: number, fill: string, side: 'start' | 'end'): string {
  const missing = width - codePointLength(text);
  if (missing <= 0) return text;
  const padding = fill.repeat(missing);
  return side === 'start' ? padding + text : text + padding;
}
