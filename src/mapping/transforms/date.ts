import { datePatternOption, type LegacyDatePattern, readLegacyDate, writeLegacyDate } from './date-pattern.js';
import { TransformError } from './errors.js';
import { formatIsoDate, parseIsoDate } from './iso-8601.js';
import type { CompiledTransform, PresentScalar, Scalar, TransformDefinition } from './types.js';
import { passingNull, requireText } from './values.js';

/**
 * `date: <pattern>`: a legacy calendar date <-> ISO `YYYY-MM-DD`.
 *
 *   date: yyyyMMdd | ddMMyyyy | dd.MM.yyyy | MM/dd/yyyy | yyMMdd ...
 *
 * Tokens yyyy, yy, MM, dd; every non-letter is a literal (see date-pattern.ts, which also fixes
 * the two-digit-year window at 1950-2049). Both directions check that the date exists
 * (no 2023-02-30; 29 February only in leap years).
 */
export type DateOption = LegacyDatePattern;

export const dateOption = datePatternOption(false, 'yyyyMMdd');

function compileDate(pattern: DateOption): CompiledTransform {
  return passingNull('date', {
    toDomain(value: PresentScalar): Scalar {
      const at = readLegacyDate(pattern, requireText('date', value));
      if (typeof at === 'string') throw new TransformError('date', value, at);
      return formatIsoDate(at);
    },
    toLegacy(value: PresentScalar): Scalar {
      const date = parseIsoDate(requireText('date', value));
      if (typeof date === 'string') throw new TransformError('date', value, date);
      const text = writeLegacyDate(pattern, { ...date, hour: 0, minute: 0, second: 0, millisecond: 0 });
      if (typeof text !== 'string') throw new TransformError('date', value, text.problem);
      return text;
    },
  });
}

export const date: TransformDefinition<DateOption> = { name: 'date', option: dateOption, compile: compileDate };
