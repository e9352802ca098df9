import { type CivilDateTime, isRealDate, isRealTime, readDigits, writeDigits } from './calendar.js';

/**
 * The domain side of dates and times: ISO 8601 / RFC 3339 text. Parsers return a reason string
 * instead of throwing so the transform using them can name itself in the TransformError.
 */

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Parses exactly `YYYY-MM-DD` naming a real calendar date. */
export function parseIsoDate(text: string): CivilDate | string {
  if (text.length !== 10) return 'expected an ISO date YYYY-MM-DD';
  const date = readIsoDate(text);
  if (date === undefined) return 'expected an ISO date YYYY-MM-DD';
  if (!isRealDate(date.year, date.month, date.day)) return 'not a real calendar date';
  return date;
}

function readIsoDate(text: string): CivilDate | undefined {
  const year = readDigits(text, 0, 4);
  const month = readDigits(text, 5, 2);
  const day = readDigits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0 || text[4] !== '-' || text[7] !== '-') return undefined;
  return { year, month, day };
}

export function formatIsoDate(date: CivilDate): string {
  return `${writeDigits(date.year, 4)}-${writeDigits(date.month, 2)}-${writeDigits(date.day, 2)}`;
}

/** An instant as written: its wall-clock reading and the offset of that clock. */
export interface IsoDateTime {
  readonly at: CivilDateTime;
  readonly offsetMinutes: number;
  /** True when the fraction has non-zero digits beyond milliseconds. */
  readonly subMillisecond: boolean;
}

const DATE_TIME_SHAPE = 'expected an ISO 8601 date-time with offset, e.g. 2024-01-31T13:45:00Z';
const MAX_FRACTION_DIGITS = 9;

/**
 * Parses `YYYY-MM-DDTHH:mm[:ss[.fraction]](Z|±hh:mm)`, the RFC 3339 profile of ISO 8601 (which
 * also allows `t`, `z` and a space for `T`). An offset is required: a local time without one
 * names no instant, and guessing one is how legacy migrations lose an hour twice a year.
 */
export function parseIsoDateTime(text: string): IsoDateTime | string {
  const date = text.length >= 17 ? readIsoDate(text) : undefined;
  const separator = text[10];
  if (date === undefined || (separator !== 'T' && separator !== 't' && separator !== ' ')) return DATE_TIME_SHAPE;
  const hour = readDigits(text, 11, 2);
  const minute = readDigits(text, 14, 2);
  if (hour < 0 || minute < 0 || text[13] !== ':') return DATE_TIME_SHAPE;
  let position = 16;
  let second = 0;
  let millisecond = 0;
  let subMillisecond = false;
  if (text[position] === ':') {
    second = readDigits(text, position + 1, 2);
    if (second < 0) return DATE_TIME_SHAPE;
    position += 3;
    if (text[position] === '.') {
      const fraction = readFraction(text, position + 1);
      if (fraction === undefined) return DATE_TIME_SHAPE;
      ({ millisecond, subMillisecond } = fraction);
      position += 1 + fraction.digits;
    }
  }
  const offsetMinutes = parseOffset(text.slice(position));
  if (offsetMinutes === undefined) return DATE_TIME_SHAPE;
  if (!isRealDate(date.year, date.month, date.day)) return 'not a real calendar date';
  if (!isRealTime(hour, minute, second)) return 'not a real time of day';
  return { at: { ...date, hour, minute, second, millisecond }, offsetMinutes, subMillisecond };
}

function readFraction(
  text: string,
  start: number,
): { digits: number; millisecond: number; subMillisecond: boolean } | undefined {
  let end = start;
  while (end < text.length && end - start < MAX_FRACTION_DIGITS && isDigit(text.charCodeAt(end))) end += 1;
  const digits = end - start;
  if (digits === 0 || (end < text.length && isDigit(text.charCodeAt(end)))) return undefined;
  const millisecond = Number(text.slice(start, Math.min(end, start + 3)).padEnd(3, '0'));
  let subMillisecond = false;
  for (let i = start + 3; i < end; i += 1) if (text[i] !== '0') subMillisecond = true;
  return { digits, millisecond, subMillisecond };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `Z`, `z` or `±hh:mm` -> minutes east of UTC; undefined for anything else. */
export function parseOffset(text: string): number | undefined {
  if (text === 'Z' || text === 'z') return 0;
  const sign = text[0];
  if (text.length !== 6 || (sign !== '+' && sign !== '-') || text[3] !== ':') return undefined;
  const hours = readDigits(text, 1, 2);
  const minutes = readDigits(text, 4, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
  const total = hours * 60 + minutes;
  return sign === '-' ? -total : total;
}

/** Minutes east of UTC as `Z` (for zero) or `±hh:mm`. */
export function formatOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'Z';
  const magnitude = Math.abs(offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${sign}${writeDigits(Math.floor(magnitude / 60), 2)}:${writeDigits(magnitude % 60, 2)}`;
}

/** `YYYY-MM-DDTHH:mm:ss[.SSS]` plus the offset; milliseconds only when the legacy side has them. */
export function formatIsoDateTime(at: CivilDateTime, offset: string, withMilliseconds: boolean): string {
  const time = `${writeDigits(at.hour, 2)}:${writeDigits(at.minute, 2)}:${writeDigits(at.second, 2)}`;
  const fraction = withMilliseconds ? `.${writeDigits(at.millisecond, 3)}` : '';
  return `${formatIsoDate(at)}T${time}${fraction}${offset}`;
}
