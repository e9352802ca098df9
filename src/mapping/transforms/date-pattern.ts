import { z } from 'zod';
import { type CivilDateTime, isRealDate, isRealTime, readDigits, writeDigits } from './calendar.js';

/**
 * Legacy date and time layouts such as `yyyyMMdd`, `dd.MM.yyyy` or `yyyyMMddHHmmss`, shared by
 * the `date` and `timestamp` transforms.
 *
 * Tokens (all fixed width, all digits):
 *   yyyy year · yy two-digit year · MM month · dd day · HH hour 00-23 · mm minute · ss second ·
 *   SSS millisecond
 * Any other letter is an error (so `YYYYMMDD` or `DD.MM.YYYY` are caught at load, not at 3 a.m.);
 * every non-letter (`.`, `/`, `-`, `:`, space, even a digit) is a literal that must appear as is.
 *
 * Two-digit years use a fixed pivot: 00-49 are 2000-2049 and 50-99 are 1950-1999. A fixed
 * window (rather than one sliding with today's date) keeps a mapping's meaning stable over time;
 * writing a year outside 1950-2049 into a `yy` field is a TransformError, never a wrap-around.
 */

export type PatternToken = 'yyyy' | 'yy' | 'MM' | 'dd' | 'HH' | 'mm' | 'ss' | 'SSS';

/** Longest first, so `yyyy` wins over `yy`. */
const TOKENS: readonly PatternToken[] = ['yyyy', 'yy', 'MM', 'dd', 'HH', 'mm', 'ss', 'SSS'];
const DATE_TOKENS: ReadonlySet<PatternToken> = new Set<PatternToken>(['yyyy', 'yy', 'MM', 'dd']);
const TIME_TOKENS: readonly PatternToken[] = ['HH', 'mm', 'ss', 'SSS'];

type Unit = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond';

const UNIT_OF: Readonly<Record<PatternToken, Unit>> = {
  yyyy: 'year',
  yy: 'year',
  MM: 'month',
  dd: 'day',
  HH: 'hour',
  mm: 'minute',
  ss: 'second',
  SSS: 'millisecond',
};

/** Letters people write out of habit from other pattern languages, and what they meant. */
const HINTS: Readonly<Record<string, string>> = {
  Y: "use 'yyyy' or 'yy' for the year",
  D: "use 'dd' for the day of month",
  h: "use 'HH' for the hour (00-23)",
  M: "use 'MM' for the month (two digits)",
  d: "use 'dd' for the day (two digits)",
  y: "use 'yyyy' or 'yy' for the year",
  s: "use 'ss' for seconds or 'SSS' for milliseconds",
  S: "use 'SSS' for milliseconds",
};

type Segment =
  | { readonly kind: 'field'; readonly token: PatternToken; readonly offset: number }
  | { readonly kind: 'literal'; readonly text: string; readonly offset: number };

/** A compiled legacy layout: fixed length, fixed positions. */
export interface LegacyDatePattern {
  readonly source: string;
  readonly length: number;
  readonly segments: readonly Segment[];
  readonly tokens: ReadonlySet<PatternToken>;
}

/**
 * Compiles a pattern, or returns why it is not one. `withTime` allows (and then requires) the
 * time tokens; a time pattern must be coarse-to-fine without gaps (`HHss` has no minutes).
 */
export function compileDatePattern(source: string, withTime: boolean): LegacyDatePattern | string {
  const segments: Segment[] = [];
  const tokens = new Set<PatternToken>();
  const units = new Set<Unit>();
  let offset = 0;
  let position = 0;
  while (position < source.length) {
    const char = source[position] ?? '';
    if (!isAsciiLetter(char)) {
      appendLiteral(segments, char, offset);
      offset += 1;
      position += 1;
      continue;
    }
    const token = TOKENS.find((candidate) => source.startsWith(candidate, position));
    if (token === undefined) return unknownLetter(char, position);
    if (!withTime && !DATE_TOKENS.has(token)) return notADateToken(token);
    if (units.has(UNIT_OF[token])) return `the ${UNIT_OF[token]} appears twice`;
    units.add(UNIT_OF[token]);
    tokens.add(token);
    segments.push({ kind: 'field', token, offset });
    offset += token.length;
    position += token.length;
  }
  const missing = missingUnits(units, withTime);
  if (missing !== undefined) return missing;
  return { source, length: offset, segments, tokens };
}

function isAsciiLetter(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
}

function appendLiteral(segments: Segment[], char: string, offset: number): void {
  const last = segments[segments.length - 1];
  if (last?.kind === 'literal') segments[segments.length - 1] = { ...last, text: last.text + char };
  else segments.push({ kind: 'literal', text: char, offset });
}

function notADateToken(token: PatternToken): string {
  if (token === 'mm') return "'mm' is minutes; use 'MM' for the month";
  return `'${token}' is a time token; use the timestamp transform for date-times`;
}

function unknownLetter(char: string, position: number): string {
  const hint = HINTS[char];
  const known = `tokens are ${TOKENS.join(', ')}`;
  return `unknown letter '${char}' at position ${position + 1}; ${hint ?? known}`;
}

function missingUnits(units: ReadonlySet<Unit>, withTime: boolean): string | undefined {
  for (const unit of ['year', 'month', 'day'] as const) {
    if (!units.has(unit)) return `the pattern has no ${unit} (yyyy or yy, MM, dd)`;
  }
  if (!withTime) return undefined;
  // Each finer time unit needs every coarser one: `HHss` would be read as hours and seconds.
  let gap: PatternToken | undefined;
  for (const token of TIME_TOKENS) {
    const present = units.has(UNIT_OF[token]);
    if (present && gap !== undefined) return `'${token}' needs '${gap}' before it`;
    if (!present && gap === undefined) gap = token;
  }
  return gap === 'HH' ? "a timestamp pattern needs at least 'HH' (use the date transform for dates)" : undefined;
}

/** The option schema of a pattern: a string compiled at load, its problems reported as issues. */
export function datePatternOption(withTime: boolean, example: string): z.ZodType<LegacyDatePattern> {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'required' : `expected a pattern such as ${example}`) })
    .transform((source, context): LegacyDatePattern => {
      const pattern = compileDatePattern(source, withTime);
      if (typeof pattern !== 'string') return pattern;
      context.addIssue({ code: 'custom', message: pattern });
      return z.NEVER;
    });
}

const TWO_DIGIT_PIVOT = 50;
const WINDOW_START = 1900 + TWO_DIGIT_PIVOT;
const WINDOW_END = 2000 + TWO_DIGIT_PIVOT - 1;

/** Reads legacy text laid out by `pattern`; unset time units are zero. */
export function readLegacyDate(pattern: LegacyDatePattern, text: string): CivilDateTime | string {
  if (text.length !== pattern.length) return mismatch(pattern);
  const values: Record<Unit, number> = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
  for (const segment of pattern.segments) {
    if (segment.kind === 'literal') {
      if (!text.startsWith(segment.text, segment.offset)) return mismatch(pattern);
      continue;
    }
    const value = readDigits(text, segment.offset, segment.token.length);
    if (value < 0) return mismatch(pattern);
    values[UNIT_OF[segment.token]] = segment.token === 'yy' ? widenTwoDigitYear(value) : value;
  }
  if (!isRealDate(values.year, values.month, values.day)) return 'not a real calendar date';
  if (!isRealTime(values.hour, values.minute, values.second)) return 'not a real time of day';
  return values;
}

/** Built only when a value fails: reading runs once per field of every reply. */
function mismatch(pattern: LegacyDatePattern): string {
  return `does not match the legacy format ${pattern.source}`;
}

function widenTwoDigitYear(twoDigits: number): number {
  return twoDigits < TWO_DIGIT_PIVOT ? 2000 + twoDigits : 1900 + twoDigits;
}

/** Lays `at` out by `pattern`, or returns why it cannot be represented (year out of range). */
export function writeLegacyDate(pattern: LegacyDatePattern, at: CivilDateTime): string | { readonly problem: string } {
  if (pattern.tokens.has('yy') && (at.year < WINDOW_START || at.year > WINDOW_END)) {
    return { problem: `year outside ${WINDOW_START}-${WINDOW_END}, which a two-digit year cannot carry` };
  }
  if (at.year < 0 || at.year > 9999) return { problem: 'year outside 0000-9999' };
  let text = '';
  for (const segment of pattern.segments) {
    text += segment.kind === 'literal' ? segment.text : writeField(segment.token, at);
  }
  return text;
}

function writeField(token: PatternToken, at: CivilDateTime): string {
  const value = at[UNIT_OF[token]];
  return writeDigits(token === 'yy' ? value % 100 : value, token.length);
}
