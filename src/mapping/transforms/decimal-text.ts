import { TransformError } from './errors.js';

/**
 * Exact decimal numbers as text, shared by the `decimal`, `integer` and `cents` transforms.
 * Money and quantities never pass through a JS float: `0.1 + 0.2` and `2^53 + 1` are exactly
 * the kind of silent change an anti-corruption layer exists to prevent.
 */

/** A decimal in canonical pieces: no sign for zero, no leading zeros, fraction digits as written. */
export interface DecimalText {
  readonly negative: boolean;
  /** Digits of the integer part without leading zeros ('0' for none). */
  readonly integer: string;
  /** Digits after the point ('' when there is no point). */
  readonly fraction: string;
}

const ZERO = 48;
const NINE = 57;

/**
 * Parses `[+-]digits[.digits]` (the whole text, no spaces, no exponent, no bare `.5` or `5.`),
 * scanning once without a regular expression.
 */
export function parseDecimalText(text: string): DecimalText | undefined {
  const sign = text[0];
  let position = sign === '+' || sign === '-' ? 1 : 0;
  const integerStart = position;
  position = skipDigits(text, position);
  if (position === integerStart) return undefined;
  const integer = stripLeadingZeros(text.slice(integerStart, position));
  let fraction = '';
  if (position < text.length) {
    if (text[position] !== '.') return undefined;
    const fractionStart = position + 1;
    position = skipDigits(text, fractionStart);
    if (position === fractionStart || position !== text.length) return undefined;
    fraction = text.slice(fractionStart);
  }
  const negative = sign === '-' && !(integer === '0' && isAllZeros(fraction));
  return { negative, integer, fraction };
}

function skipDigits(text: string, start: number): number {
  let position = start;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code < ZERO || code > NINE) break;
    position += 1;
  }
  return position;
}

function stripLeadingZeros(digits: string): string {
  let start = 0;
  while (start < digits.length - 1 && digits[start] === '0') start += 1;
  return digits.slice(start);
}

function isAllZeros(digits: string): boolean {
  for (let i = 0; i < digits.length; i += 1) if (digits[i] !== '0') return false;
  return true;
}

/**
 * Exactly `scale` fraction digits: missing ones are zeros, extra ones must be zeros and are
 * dropped. Undefined when a non-zero digit would be lost: rounding is a business decision.
 */
export function fitScale(value: DecimalText, scale: number): DecimalText | undefined {
  const { fraction } = value;
  if (fraction.length === scale) return value;
  if (fraction.length < scale) return { ...value, fraction: fraction.padEnd(scale, '0') };
  if (!isAllZeros(fraction.slice(scale))) return undefined;
  return { ...value, fraction: fraction.slice(0, scale) };
}

export function formatDecimalText(value: DecimalText): string {
  const sign = value.negative ? '-' : '';
  return value.fraction === '' ? sign + value.integer : `${sign}${value.integer}.${value.fraction}`;
}

/** Minor units (`12345`) as major units with `digits` fraction digits (`123.45`). */
export function shiftPointLeft(value: DecimalText, digits: number): DecimalText {
  const padded = value.integer.padStart(digits + 1, '0');
  const cut = padded.length - digits;
  return { negative: value.negative, integer: padded.slice(0, cut), fraction: padded.slice(cut) };
}

/** Major units with exactly `fraction.length` digits as one integer of minor units. */
export function joinDigits(value: DecimalText): DecimalText {
  return { negative: value.negative, integer: stripLeadingZeros(value.integer + value.fraction), fraction: '' };
}

/**
 * The text of a number: decimal text as is, a safe integer as its digits. Any other JS number
 * is refused: it has been a binary float since JSON parsing, and its digits are already a guess.
 */
export function numericText(transform: string, value: string | number | boolean): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  const reason =
    typeof value === 'number'
      ? 'expected a decimal string (a JSON number is accepted only as a safe integer)'
      : 'expected a number';
  throw new TransformError(transform, value, reason);
}
