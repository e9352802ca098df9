/**
 * Proleptic Gregorian calendar arithmetic on plain integers. JS `Date` is avoided on purpose:
 * `Date.UTC` maps years 0-99 to 1900-1999 and parsing is locale-lenient; neither belongs in a
 * translation that must be exact.
 */

/** A wall-clock date and time with no offset attached. */
export interface CivilDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && isLeapYear(year)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

export function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function isRealTime(hour: number, minute: number, second: number): boolean {
  // No leap seconds: legacy clocks do not produce them and ISO consumers rarely accept them.
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The date `days` after 1970-01-01 (Howard Hinnant's civil_from_days). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const MINUTES_PER_DAY = 1440;

/** The same instant on a clock `deltaMinutes` ahead (negative: behind); seconds are untouched. */
export function shiftMinutes(at: CivilDateTime, deltaMinutes: number): CivilDateTime {
  if (deltaMinutes === 0) return at;
  const total = daysFromCivil(at.year, at.month, at.day) * MINUTES_PER_DAY + at.hour * 60 + at.minute + deltaMinutes;
  const days = Math.floor(total / MINUTES_PER_DAY);
  const minuteOfDay = total - days * MINUTES_PER_DAY;
  return {
    ...civilFromDays(days),
    hour: Math.floor(minuteOfDay / 60),
    minute: minuteOfDay % 60,
    second: at.second,
    millisecond: at.millisecond,
  };
}

/** Reads `width` ASCII digits at `offset`, or -1 if any is not a digit (or the text is short). */
export function readDigits(text: string, offset: number, width: number): number {
  if (offset + width > text.length) return -1;
  let result = 0;
  for (let i = offset; i < offset + width; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    result = result * 10 + digit;
  }
  return result;
}

/** `value` as exactly `width` digits, zero-padded; the caller keeps it in range. */
export function writeDigits(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
