import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTransform, type Scalar } from '../../../src/mapping/transforms/index.js';
import { noCodeTables } from '../../support/transforms.js';

/**
 * Laws of the built-in transforms: for every valid domain value x, toDomain(toLegacy(x)) === x,
 * and exact numbers never lose a digit however large they are.
 */

const context = noCodeTables;

function roundTrips(name: string, option: unknown, value: Scalar): boolean {
  const transform = compileTransform(name, option, context);
  return Object.is(transform.toDomain(transform.toLegacy(value)), value);
}

/** A bigint as canonical decimal text with `scale` fraction digits, computed without our code. */
function decimalOf(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${integer}${scale > 0 ? `.${fraction}` : ''}`;
}

const hugeUnits = fc.bigInt({ min: -(10n ** 60n), max: 10n ** 60n });
const scale = fc.integer({ min: 0, max: 8 });

describe('round trips', () => {
  it('pad: zero-padded numbers without leading zeros', () => {
    const canonical = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 8 })
      .filter((text) => text === '0' || !text.startsWith('0'));
    fc.assert(fc.property(canonical, (text) => roundTrips('pad', 8, text)));
  });

  it('pad: blank-padded text at the end without trailing blanks', () => {
    const option = { length: 10, with: ' ', side: 'end' };
    const canonical = fc.string({ unit: 'grapheme-composite', maxLength: 10 }).filter((text) => !text.endsWith(' '));
    fc.assert(fc.property(canonical, (text) => roundTrips('pad', option, text)));
  });

  it('trim with a width: text without blanks at its ends', () => {
    const blank = new Set([' ', '\t', '\r', '\n']);
    const canonical = fc
      .string({ unit: 'binary', maxLength: 12 })
      .filter((text) => !blank.has(text.at(0) ?? 'x') && !blank.has(text.at(-1) ?? 'x'));
    fc.assert(fc.property(canonical, (text) => roundTrips('trim', { width: 12 }, text)));
  });

  it('decimal with a scale: canonical decimals of any size', () => {
    fc.assert(fc.property(hugeUnits, scale, (units, digits) => roundTrips('decimal', { scale: digits }, decimalOf(units, digits))));
  });

  it('integer: every safe integer', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (value) => roundTrips('integer', true, value)));
  });

  it('boolean: both values, for presets and custom codes', () => {
    const option = fc.constantFrom<unknown>('YN', '10', 10, 'TF', 'truefalse', { true: ['J', 'Y'], false: ['N', ''] }, {
      true: 'y',
      false: 'n',
      ignoreCase: true,
    });
    fc.assert(fc.property(option, fc.boolean(), (written, value) => roundTrips('boolean', written, value)));
  });

  it('prefix: any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => roundTrips('prefix', 'P-', text)));
  });

  it('codes: every value of a reversible table', () => {
    const code = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 });
    const value = fc.oneof(fc.string({ maxLength: 8 }), fc.boolean(), fc.integer());
    const table = fc
      .uniqueArray(fc.tuple(code, value), { minLength: 1, maxLength: 12, selector: ([key]) => key })
      .filter((entries) => new Set(entries.map(([, domain]) => String(domain))).size === entries.length);
    fc.assert(
      fc.property(table, (entries) => {
        const option = Object.fromEntries(entries);
        return entries.every(([, domain]) => roundTrips('codes', option, domain));
      }),
    );
  });

  it('cents: canonical amounts of any size', () => {
    fc.assert(fc.property(hugeUnits, fc.constantFrom(0, 2, 3), (units, digits) => roundTrips('cents', digits, decimalOf(units, digits))));
  });
});

describe('exactness', () => {
  it('decimal keeps every digit of huge values, with leading zeros and a plus sign', () => {
    fc.assert(
      fc.property(hugeUnits, scale, fc.nat(5), (units, digits, zeros) => {
        const canonical = decimalOf(units, digits);
        const written = units < 0n ? `-${'0'.repeat(zeros)}${canonical.slice(1)}` : `+${'0'.repeat(zeros)}${canonical}`;
        const transform = compileTransform('decimal', true, context);
        expect(transform.toDomain(written)).toBe(canonical);
        expect(transform.toLegacy(written)).toBe(canonical);
      }),
    );
  });

  it('cents shifts the point of huge values without losing a digit', () => {
    fc.assert(
      fc.property(hugeUnits, fc.constantFrom(0, 2, 3), (units, digits) => {
        const transform = compileTransform('cents', digits, context);
        const domain = transform.toDomain(units.toString());
        expect(domain).toBe(decimalOf(units, digits));
        expect(transform.toLegacy(domain)).toBe(units.toString());
      }),
    );
  });
});

describe('dates', () => {
  const MS_PER_DAY = 86_400_000;

  /** Date.UTC would read years 0-99 as 1900-1999, so years are set explicitly. */
  function startOfYear(year: number): number {
    const date = new Date(0);
    date.setUTCFullYear(year, 0, 1);
    return date.getTime();
  }

  const minDate = startOfYear(1);
  const maxDate = startOfYear(10_000) - 1;

  function two(value: number): string {
    return String(value).padStart(2, '0');
  }

  /** The legacy text of a date laid out by hand, as an oracle independent of date-pattern.ts. */
  const layouts: readonly { pattern: string; lay: (date: Date) => string; years: [number, number] }[] = [
    { pattern: 'yyyyMMdd', lay: (d) => d.toISOString().slice(0, 10).replaceAll('-', ''), years: [1, 9999] },
    {
      pattern: 'dd.MM.yyyy',
      lay: (d) => `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.toISOString().slice(0, 4)}`,
      years: [1, 9999],
    },
    {
      pattern: 'MM/dd/yy',
      lay: (d) => `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${two(d.getUTCFullYear() % 100)}`,
      years: [1950, 2049],
    },
  ];

  it.each(layouts)('date $pattern: ISO dates round-trip and lay out as expected', ({ pattern, lay, years }) => {
    const transform = compileTransform('date', pattern, context);
    const dates = fc.date({ min: new Date(startOfYear(years[0])), max: new Date(startOfYear(years[1] + 1) - 1), noInvalidDate: true });
    fc.assert(
      fc.property(dates, (date) => {
        const iso = date.toISOString().slice(0, 10);
        expect(transform.toLegacy(iso)).toBe(lay(date));
        expect(transform.toDomain(transform.toLegacy(iso))).toBe(iso);
      }),
    );
  });

  const zones = ['Z', '+01:00', '-05:30', '+05:45', '+14:00', '-12:00'] as const;
  const patterns = [
    { format: 'yyyyMMddHHmmss', precision: 1000, withMs: false },
    { format: 'yyyy-MM-dd HH:mm:ss.SSS', precision: 1, withMs: true },
    { format: 'dd.MM.yyyy HH:mm', precision: 60_000, withMs: false },
    { format: 'yyyyMMddHH', precision: 3_600_000, withMs: false },
  ] as const;

  function offsetMinutes(zone: string): number {
    if (zone === 'Z') return 0;
    const minutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
    return zone.startsWith('-') ? -minutes : minutes;
  }

  /** A wall-clock reading (ms as if UTC) written as ISO with the given offset. */
  function isoAt(wallMs: number, zone: string, withMs: boolean): string {
    const text = new Date(wallMs).toISOString();
    return `${text.slice(0, 19)}${withMs ? text.slice(19, 23) : ''}${zone}`;
  }

  const wallClock = fc.integer({ min: minDate, max: maxDate });

  it('timestamp: values as toDomain writes them round-trip', () => {
    fc.assert(
      fc.property(fc.constantFrom(...patterns), fc.constantFrom(...zones), wallClock, (pattern, zone, wall) => {
        const option = { format: pattern.format, zone };
        const truncated = wall - (((wall % pattern.precision) + pattern.precision) % pattern.precision);
        const domain = isoAt(truncated, zone, pattern.withMs);
        return roundTrips('timestamp', option, domain);
      }),
    );
  });

  it('timestamp: the same instant written with any offset gives the same legacy text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.integer({ min: minDate + 2 * MS_PER_DAY, max: maxDate - 2 * MS_PER_DAY }),
        (zone, otherOffset, wall) => {
          const transform = compileTransform('timestamp', { format: 'yyyyMMddHHmmss', zone }, context);
          const wallSeconds = wall - (((wall % 1000) + 1000) % 1000);
          const instant = wallSeconds - offsetMinutes(zone) * 60_000;
          const sign = otherOffset < 0 ? '-' : '+';
          const magnitude = Math.abs(otherOffset);
          const other = `${sign}${two(Math.floor(magnitude / 60))}:${two(magnitude % 60)}`;
          const elsewhere = isoAt(instant + otherOffset * 60_000, other, false);
          expect(transform.toLegacy(elsewhere)).toBe(transform.toLegacy(isoAt(wallSeconds, zone, false)));
        },
      ),
    );
  });
});
