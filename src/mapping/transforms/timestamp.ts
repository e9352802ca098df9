import { z } from 'zod';
import { type CivilDateTime, shiftMinutes } from './calendar.js';
import {
  datePatternOption,
  type LegacyDatePattern,
  type PatternToken,
  readLegacyDate,
  writeLegacyDate,
} from './date-pattern.js';
import { TransformError } from './errors.js';
import { formatIsoDateTime, formatOffset, parseIsoDateTime, parseOffset } from './iso-8601.js';
import { byShape } from './options.js';
import type { CompiledTransform, PresentScalar, Scalar, TransformDefinition } from './types.js';
import { passingNull, requireText } from './values.js';

/**
 * `timestamp`: a legacy date-time without offset <-> an ISO 8601 date-time with offset.
 *
 *   timestamp: yyyyMMddHHmmss                          the legacy clock runs on UTC
 *   timestamp: { format: dd.MM.yyyy HH:mm, zone: '+01:00' }   ... on a fixed offset
 *
 * Tokens are those of `date` plus HH, mm, ss, SSS. toDomain writes `2024-01-31T13:45:00+01:00`
 * (seconds always, `.SSS` only when the pattern has it; a zero offset is written `Z`). toLegacy
 * accepts any RFC 3339 date-time with `Z` or `±hh:mm`, converts it to the legacy offset and lays
 * it out; a value more precise than the pattern (seconds for an `HHmm` field) is a
 * TransformError rather than silently truncated.
 *
 * `zone` is a fixed offset only. IANA names (`Europe/Berlin`) are not supported: a legacy clock
 * on local time with daylight saving has ambiguous and missing hours, which would need an
 * explicit policy per field. Quote the zone in YAML (`'+01:00'`).
 */
export interface TimestampOption {
  readonly pattern: LegacyDatePattern;
  readonly offsetMinutes: number;
}

const pattern = datePatternOption(true, 'yyyyMMddHHmmss');

const ZONE_EXPECTED = "expected 'Z' or a fixed offset ±hh:mm such as '+01:00' (zone names are not supported)";

const zone = z.string({ error: ZONE_EXPECTED }).transform((text, context) => {
  const minutes = parseOffset(text);
  if (minutes !== undefined) return minutes;
  context.addIssue({ code: 'custom', message: ZONE_EXPECTED });
  return z.NEVER;
});

const patternForm = pattern.transform((compiled): TimestampOption => ({ pattern: compiled, offsetMinutes: 0 }));

const objectForm = z
  .strictObject({ format: pattern, zone: zone.optional() })
  .transform((option): TimestampOption => ({ pattern: option.format, offsetMinutes: option.zone ?? 0 }));

export const timestampOption = byShape<TimestampOption>('a pattern or { format, zone? }', {
  string: patternForm,
  object: objectForm,
});

/** Why `at` cannot be laid out without dropping digits the pattern has no room for, if so. */
function precisionLoss(
  tokens: ReadonlySet<PatternToken>,
  at: CivilDateTime,
  subMillisecond: boolean,
): string | undefined {
  if (!tokens.has('mm') && at.minute !== 0) return 'has minutes the legacy format cannot carry';
  if (!tokens.has('ss') && at.second !== 0) return 'has seconds the legacy format cannot carry';
  if (!tokens.has('SSS') && at.millisecond !== 0) return 'has fractions of a second the legacy format cannot carry';
  if (subMillisecond) return 'has more than millisecond precision';
  return undefined;
}

function compileTimestamp(option: TimestampOption): CompiledTransform {
  const { pattern: legacyPattern, offsetMinutes } = option;
  const offset = formatOffset(offsetMinutes);
  const withMilliseconds = legacyPattern.tokens.has('SSS');
  return passingNull('timestamp', {
    toDomain(value: PresentScalar): Scalar {
      const at = readLegacyDate(legacyPattern, requireText('timestamp', value));
      if (typeof at === 'string') throw new TransformError('timestamp', value, at);
      return formatIsoDateTime(at, offset, withMilliseconds);
    },
    toLegacy(value: PresentScalar): Scalar {
      const instant = parseIsoDateTime(requireText('timestamp', value));
      if (typeof instant === 'string') throw new TransformError('timestamp', value, instant);
      const legacyClock = shiftMinutes(instant.at, offsetMinutes - instant.offsetMinutes);
      const loss = precisionLoss(legacyPattern.tokens, legacyClock, instant.subMillisecond);
      if (loss !== undefined) throw new TransformError('timestamp', value, loss);
      const text = writeLegacyDate(legacyPattern, legacyClock);
      if (typeof text !== 'string') throw new TransformError('timestamp', value, text.problem);
      return text;
    },
  });
}

export const timestamp: TransformDefinition<TimestampOption> = {
  name: 'timestamp',
  option: timestampOption,
  compile: compileTimestamp,
};
