import { z } from 'zod';
import {
  fitScale,
  formatDecimalText,
  joinDigits,
  numericText,
  parseDecimalText,
  shiftPointLeft,
} from './decimal-text.js';
import { TransformError } from './errors.js';
import { byShape } from './options.js';
import type { CompiledTransform, PresentScalar, Scalar, TransformDefinition } from './types.js';
import { passingNull } from './values.js';

/**
 * `cents`: the legacy value is an integer count of minor units; the domain value a decimal string.
 *
 *   cents: true       2 minor-unit digits: `12345` <-> `"123.45"`, `-5` <-> `"-0.05"`, `0` <-> `"0.00"`
 *   cents: 3          3 digits (e.g. BHD, KWD); `cents: 0` for currencies without minor units
 *
 * Pure digit shifting on text, so amounts of any size stay exact. toLegacy accepts a decimal
 * string with at most that many significant fraction digits (`"123.4"` -> `12340`;
 * `"1.234"` -> TransformError, never rounded) or a JSON safe integer.
 */
export interface CentsOption {
  readonly digits: number;
}

const DEFAULT_DIGITS = 2;

const trueForm = z
  .literal(true, { error: 'expected true or a number of minor-unit digits' })
  .transform((): CentsOption => ({ digits: DEFAULT_DIGITS }));

const digitsForm = z
  .int()
  .min(0)
  .max(18)
  .transform((digits): CentsOption => ({ digits }));

export const centsOption = byShape<CentsOption>('true or a number of minor-unit digits (0, 2, 3)', {
  boolean: trueForm,
  number: digitsForm,
});

function compileCents(option: CentsOption): CompiledTransform {
  const { digits } = option;
  return passingNull('cents', {
    toDomain(value: PresentScalar): Scalar {
      const minor = parseDecimalText(numericText('cents', value));
      if (minor === undefined || minor.fraction !== '') {
        throw new TransformError('cents', value, 'not an integer amount of minor units');
      }
      return formatDecimalText(shiftPointLeft(minor, digits));
    },
    toLegacy(value: PresentScalar): Scalar {
      const major = parseDecimalText(numericText('cents', value));
      if (major === undefined) throw new TransformError('cents', value, 'not a decimal amount');
      const scaled = fitScale(major, digits);
      if (scaled === undefined) {
        throw new TransformError('cents', value, `has more than ${digits} fraction digits; refusing to round`);
      }
      return formatDecimalText(joinDigits(scaled));
    },
  });
}

export const cents: TransformDefinition<CentsOption> = { name: 'cents', option: centsOption, compile: compileCents };
