import { describe, expect, it } from 'vitest';
import {
  compileTransform,
  type Scalar,
  TransformError,
} from '../../../src/mapping/transforms/index.js';
import { civilFromDays, daysFromCivil } from '../../../src/mapping/transforms/calendar.js';
import { configIssues, noCodeTables } from '../../support/transforms.js';

const context = noCodeTables;


describe('date', () => {
  it.each([
    { pattern: 'yyyyMMdd', legacy: '19800131', domain: '1980-01-31' },
    { pattern: 'ddMMyyyy', legacy: '31011980', domain: '1980-01-31' },
    { pattern: 'dd.MM.yyyy', legacy: '29.02.2024', domain: '2024-02-29' },
    { pattern: 'MM/dd/yyyy', legacy: '12/31/1999', domain: '1999-12-31' },
    { pattern: 'yyyy-MM-dd', legacy: '2000-02-29', domain: '2000-02-29' },
    { pattern: 'dd MM yyyy', legacy: '01 03 2023', domain: '2023-03-01' },
    { pattern: 'yyMMdd', legacy: '240131', domain: '2024-01-31' },
    { pattern: 'yyMMdd', legacy: '491231', domain: '2049-12-31' },
    { pattern: 'yyMMdd', legacy: '500101', domain: '1950-01-01' },
    { pattern: 'yyMMdd', legacy: '991231', domain: '1999-12-31' },
    { pattern: 'yyyyMMdd', legacy: '00010101', domain: '0001-01-01' },
    { pattern: 'yyyyMMdd', legacy: '99991231', domain: '9999-12-31' },
    { pattern: 'yyyyMMdd000000', legacy: '20240131000000', domain: '2024-01-31' },
  ])('$pattern: $legacy <-> $domain', ({ pattern, legacy, domain }) => {
    const transform = compileTransform('date', pattern, context);
    expect(transform.toDomain(legacy)).toBe(domain);
    expect(transform.toLegacy(domain)).toBe(legacy);
  });

  it.each([
    { legacy: '20230230', reason: 'not a real calendar date' },
    { legacy: '20230229', reason: 'not a real calendar date' },
    { legacy: '19000229', reason: 'not a real calendar date' },
    { legacy: '20231301', reason: 'not a real calendar date' },
    { legacy: '20230000', reason: 'not a real calendar date' },
    { legacy: '00000000', reason: 'not a real calendar date' },
    { legacy: '2023013', reason: 'does not match the legacy format yyyyMMdd' },
    { legacy: '202301311', reason: 'does not match the legacy format yyyyMMdd' },
    { legacy: '2023-01-31', reason: 'does not match the legacy format yyyyMMdd' },
    { legacy: '2023013a', reason: 'does not match the legacy format yyyyMMdd' },
    { legacy: '+2023013', reason: 'does not match the legacy format yyyyMMdd' },
  ])('yyyyMMdd refuses the reply $legacy', ({ legacy, reason }) => {
    expect(() => compileTransform('date', 'yyyyMMdd', context).toDomain(legacy)).toThrow(
      expect.objectContaining({ reason, transform: 'date' }),
    );
  });

  it('checks the literal separators', () => {
    expect(() => compileTransform('date', 'dd.MM.yyyy', context).toDomain('31/01/2024')).toThrow(TransformError);
  });

  it.each<Scalar>([
    '2023-02-30',
    '2023-2-3',
    '20230203',
    '2023-02-03T00:00:00Z',
    ' 2023-02-03',
    '2023/02/03',
    19800131,
    true,
  ])('toLegacy refuses %j', (value) => {
    expect(() => compileTransform('date', 'yyyyMMdd', context).toLegacy(value)).toThrow(TransformError);
  });

  it('refuses to write a year a two-digit field cannot carry', () => {
    const transform = compileTransform('date', 'yyMMdd', context);
    expect(() => transform.toLegacy('1949-12-31')).toThrow(/1950-2049/);
    expect(() => transform.toLegacy('2050-01-01')).toThrow(/1950-2049/);
  });

  it.each([
    { pattern: 'YYYYMMDD', message: /'Y'.*'yyyy'/ },
    { pattern: 'yyyyMMDD', message: /'D'.*'dd'/ },
    { pattern: 'yyyymmdd', message: /'mm' is minutes/ },
    { pattern: 'yyyyMMddHHmm', message: /time token.*timestamp/ },
    { pattern: 'yyyyMd', message: /'M'/ },
    { pattern: 'yyyMMdd', message: /'y'/ },
    { pattern: 'yyyyMM', message: /no day/ },
    { pattern: 'MMdd', message: /no year/ },
    { pattern: 'yyyyMMddyy', message: /year appears twice/ },
    { pattern: 'yyyyMMdd EEE', message: /unknown letter 'E'/ },
    { pattern: '', message: /no year/ },
  ])('refuses the pattern $pattern', ({ pattern, message }) => {
    expect(configIssues('date', pattern)).toEqual([{ path: [], message: expect.stringMatching(message) }]);
  });

  it('refuses an option that is not a pattern', () => {
    expect(configIssues('date', 19800131)).toEqual([{ path: [], message: 'expected a pattern such as yyyyMMdd' }]);
    expect(configIssues('date', { format: 'yyyyMMdd' })).toEqual([{ path: [], message: expect.any(String) }]);
  });
});

describe('timestamp', () => {
  it.each([
    { option: 'yyyyMMddHHmmss', legacy: '20240131134500', domain: '2024-01-31T13:45:00Z' },
    { option: 'yyyyMMddHHmm', legacy: '202401311345', domain: '2024-01-31T13:45:00Z' },
    { option: 'yyyyMMddHH', legacy: '2024013113', domain: '2024-01-31T13:00:00Z' },
    { option: 'yyyy-MM-dd HH:mm:ss.SSS', legacy: '2024-01-31 13:45:00.120', domain: '2024-01-31T13:45:00.120Z' },
    { option: { format: 'dd.MM.yyyy HH:mm' }, legacy: '31.01.2024 13:45', domain: '2024-01-31T13:45:00Z' },
    { option: { format: 'yyyyMMddHHmmss', zone: '+01:00' }, legacy: '20240131134500', domain: '2024-01-31T13:45:00+01:00' },
    { option: { format: 'yyyyMMddHHmmss', zone: '-05:30' }, legacy: '20240229000000', domain: '2024-02-29T00:00:00-05:30' },
    { option: { format: 'yyyyMMddHHmmss', zone: '+00:00' }, legacy: '20240131134500', domain: '2024-01-31T13:45:00Z' },
    { option: 'yyMMddHHmm', legacy: '9912312359', domain: '1999-12-31T23:59:00Z' },
  ])('toDomain $option: $legacy -> $domain', ({ option, legacy, domain }) => {
    expect(compileTransform('timestamp', option, context).toDomain(legacy)).toBe(domain);
  });

  it.each(['20240131244500', '20240131136000', '20240131134560', '20240230134500', '2024013113450', 'x0240131134500'])(
    'toDomain refuses %j',
    (value) => {
      expect(() => compileTransform('timestamp', 'yyyyMMddHHmmss', context).toDomain(value)).toThrow(TransformError);
    },
  );

  it.each([
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T13:45:00Z', legacy: '20240131134500' },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31t13:45:00z', legacy: '20240131134500' },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31 13:45:00Z', legacy: '20240131134500' },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T13:45Z', legacy: '20240131134500' },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T14:45:00+01:00', legacy: '20240131134500' },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-01T00:30:00+01:00', legacy: '20231231233000' },
    { option: 'yyyyMMddHHmmss', domain: '2024-02-28T23:00:00-02:00', legacy: '20240229010000' },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T13:45:00.000000Z', legacy: '20240131134500' },
    { option: { format: 'yyyyMMddHHmmss', zone: '+01:00' }, domain: '2024-01-31T13:45:00Z', legacy: '20240131144500' },
    { option: { format: 'yyyyMMddHHmmss', zone: '+05:45' }, domain: '2024-12-31T20:00:00Z', legacy: '20250101014500' },
    { option: { format: 'yyyyMMddHHmmss', zone: '-10:00' }, domain: '2024-03-01T05:00:00Z', legacy: '20240229190000' },
    { option: 'yyyyMMddHHmmssSSS', domain: '2024-01-31T13:45:00.5Z', legacy: '20240131134500500' },
    { option: 'yyyyMMddHHmmssSSS', domain: '2024-01-31T13:45:00.123Z', legacy: '20240131134500123' },
    { option: 'yyyyMMddHHmmssSSS', domain: '2024-01-31T13:45:00.123000Z', legacy: '20240131134500123' },
    { option: 'yyyyMMddHHmm', domain: '2024-01-31T13:45:00Z', legacy: '202401311345' },
  ])('toLegacy $option: $domain -> $legacy', ({ option, domain, legacy }) => {
    expect(compileTransform('timestamp', option, context).toLegacy(domain)).toBe(legacy);
  });

  it.each<{ option: unknown; domain: Scalar; reason: RegExp }>([
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T13:45:00', reason: /with offset/ },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31', reason: /with offset/ },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T13:45:00+0100', reason: /with offset/ },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T13:45:00+24:00', reason: /with offset/ },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T13:45:00.Z', reason: /with offset/ },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T13:45:00.1234567890Z', reason: /with offset/ },
    { option: 'yyyyMMddHHmmss', domain: '2024-02-30T13:45:00Z', reason: /calendar date/ },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T24:00:00Z', reason: /time of day/ },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T23:59:60Z', reason: /time of day/ },
    { option: 'yyyyMMddHHmmss', domain: '2024-01-31T13:45:00.5Z', reason: /fractions of a second/ },
    { option: 'yyyyMMddHHmm', domain: '2024-01-31T13:45:30Z', reason: /seconds/ },
    { option: 'yyyyMMddHH', domain: '2024-01-31T13:45:00Z', reason: /minutes/ },
    { option: { format: 'yyyyMMddHH', zone: '+05:30' }, domain: '2024-01-31T13:00:00Z', reason: /minutes/ },
    { option: 'yyyyMMddHHmmssSSS', domain: '2024-01-31T13:45:00.1234Z', reason: /millisecond precision/ },
    { option: 'yyMMddHHmm', domain: '2050-01-01T00:00:00Z', reason: /1950-2049/ },
    { option: { format: 'yyyyMMddHHmm', zone: '-01:00' }, domain: '0000-01-01T00:30:00Z', reason: /0000-9999/ },
    { option: 'yyyyMMddHHmmss', domain: 20240131134500, reason: /with offset/ },
  ])('toLegacy $option refuses $domain', ({ option, domain, reason }) => {
    const transform = compileTransform('timestamp', option, context);
    expect(() => transform.toLegacy(domain)).toThrow(expect.objectContaining({ reason: expect.stringMatching(reason) }));
  });

  it.each([
    { option: 'yyyyMMdd', path: [], message: /needs at least 'HH'/ },
    { option: 'yyyyMMddHHss', path: [], message: /'ss' needs 'mm'/ },
    { option: 'yyyyMMddHHmmSSS', path: [], message: /'SSS' needs 'ss'/ },
    { option: 'yyyyMMddhhmmss', path: [], message: /'HH'/ },
    { option: { format: 'yyyyMMddHHmm', zone: 'Europe/Berlin' }, path: ['zone'], message: /zone names/ },
    { option: { format: 'yyyyMMddHHmm', zone: '+1:00' }, path: ['zone'], message: /±hh:mm/ },
    { option: { format: 'yyyyMMddHHmm', zone: 60 }, path: ['zone'], message: /offset/ },
    { option: { format: 'YYYYMMDDHHmm' }, path: ['format'], message: /'Y'/ },
    { option: { zone: 'Z' }, path: ['format'], message: /required/ },
    { option: { format: 'yyyyMMddHHmm', offset: 'Z' }, path: [], message: /unknown option 'offset'/ },
    { option: true, path: [], message: /a pattern or \{ format, zone\? \}/ },
  ])('refuses the option $option', ({ option, path, message }) => {
    expect(configIssues('timestamp', option)).toEqual([{ path, message: expect.stringMatching(message) }]);
  });
});

describe('calendar arithmetic', () => {
  it('agrees with Date on every day from 0001-01-01 to 9999-12-31', () => {
    const start = new Date(0);
    start.setUTCFullYear(1, 0, 1);
    const first = Math.round(start.getTime() / 86_400_000);
    const last = Math.round(Date.UTC(9999, 11, 31) / 86_400_000);
    let mismatches = 0;
    for (let days = first; days <= last; days += 1) {
      const date = new Date(days * 86_400_000);
      const civil = civilFromDays(days);
      const expected = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      if (civil.year !== expected.year || civil.month !== expected.month || civil.day !== expected.day) mismatches += 1;
      if (daysFromCivil(expected.year, expected.month, expected.day) !== days) mismatches += 1;
    }
    expect(mismatches).toBe(0);
  });
});
