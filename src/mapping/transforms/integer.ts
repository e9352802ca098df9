import { z } from 'zod';
import { numericText, parseDecimalText } from './decimal-text.js';
import { TransformError } from './errors.js';
import type { CompiledTransform, PresentScalar, Scalar, TransformDefinition } from './types.js';
import { passingNull } from './values.js';

/**
 * `integer: true`: the legacy text is an integer and the domain value a JSON number.
 *
 * toDomain reads `[+-]digits` (`0042` -> 42) and refuses anything beyond ±(2^53 - 1), where a JSON
 * number stops being exact; use `decimal` for bigger identifiers or amounts. toLegacy writes a
 * safe integer (or integer text) as plain digits.
 */
export type IntegerOption = true;

export const integerOption = z.literal(true, { error: 'expected true' });

const OUT_OF_RANGE = 'outside the safe integer range ±(2^53 - 1); map it as decimal instead';

/** The exact safe integer written in `text`, or a TransformError. */
function readInteger(value: string | number | boolean): number {
  const parsed = parseDecimalText(numericText('integer', value));
  if (parsed === undefined || parsed.fraction !== '') throw new TransformError('integer', value, 'not an integer');
  // Rounding is monotonic, so any integer beyond the safe range rounds to at least 2^53.
  const magnitude = Number(parsed.integer);
  if (!Number.isSafeInteger(magnitude)) throw new TransformError('integer', value, OUT_OF_RANGE);
  return parsed.negative ? -magnitude : magnitude;
}

function compileInteger(): CompiledTransform {
  return passingNull('integer', {
    toDomain(value: PresentScalar): Scalar {
      return readInteger(value);
    },
    toLegacy(value: PresentScalar): Scalar {
      return String(readInteger(value));
    },
  });
}

export const integer: TransformDefinition<IntegerOption> = {
  name: 'integer',
  option: integerOption,
  compile: compileInteger,
};
