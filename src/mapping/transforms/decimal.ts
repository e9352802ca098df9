import { z } from 'zod';
import { type DecimalText, fitScale, formatDecimalText, numericText, parseDecimalText } from './decimal-text.js';
import { TransformError } from './errors.js';
import { byShape } from './options.js';
import type { CompiledTransform, TransformDefinition } from './types.js';
import { passingNull } from './values.js';

/**
 * `decimal`: an exact decimal number, kept as a decimal string on the domain side.
 *
 *   decimal: true              any number of fraction digits, kept as written (`1.10` stays `1.10`)
 *   decimal: { scale: 2 }      exactly 2 fraction digits: `5` -> `5.00`, `1.230` -> `1.23`,
 *                              `1.234` -> TransformError (never rounded)
 *
 * Both directions accept `[+-]digits[.digits]` and normalize it: no `+`, no leading zeros, no
 * `-0`. toLegacy also accepts a JSON number that is a safe integer; any other JSON number is
 * refused because it was a binary float before it reached us.
 */
export interface DecimalOption {
  readonly scale: number | undefined;
}

const trueForm = z
  .literal(true, { error: 'expected true or { scale }' })
  .transform((): DecimalOption => ({ scale: undefined }));

const objectForm = z.strictObject({ scale: z.int().min(0).max(100) });

export const decimalOption = byShape<DecimalOption>('true or { scale: <fraction digits> }', {
  boolean: trueForm,
  object: objectForm,
});

/** Parses, normalizes and scales one decimal; shared by both directions. */
function decimalNormalizer(scale: number | undefined): (value: string | number | boolean) => string {
  return (value) => {
    const parsed = parseDecimalText(numericText('decimal', value));
    if (parsed === undefined) throw new TransformError('decimal', value, 'not a decimal number');
    const scaled: DecimalText | undefined = scale === undefined ? parsed : fitScale(parsed, scale);
    if (scaled === undefined) {
      throw new TransformError('decimal', value, `has more than ${scale} fraction digits; refusing to round`);
    }
    return formatDecimalText(scaled);
  };
}

function compileDecimal(option: DecimalOption): CompiledTransform {
  const normalize = decimalNormalizer(option.scale);
  return passingNull('decimal', { toDomain: normalize, toLegacy: normalize });
}

export const decimal: TransformDefinition<DecimalOption> = {
  name: 'decimal',
  option: decimalOption,
  compile: compileDecimal,
};
