import { describe, expect, it } from 'vitest';
import {
  compileTransform,
  type Scalar,
  TransformError,
} from '../../../src/mapping/transforms/index.js';
import { configIssues, noCodeTables } from '../../support/transforms.js';

const context = noCodeTables;

interface Case {
  readonly option: unknown;
  readonly legacy: Scalar;
  readonly domain: Scalar;
}


describe('trim', () => {
  it.each<Case>([
    { option: true, legacy: '  Jane Doe \t\r\n', domain: 'Jane Doe' },
    { option: 'both', legacy: '\tA B ', domain: 'A B' },
    { option: 'start', legacy: '  A  ', domain: 'A  ' },
    { option: 'end', legacy: '  A  ', domain: '  A' },
    { option: true, legacy: '     ', domain: '' },
    { option: true, legacy: '', domain: '' },
    { option: true, legacy: '\u00a0A\u00a0', domain: '\u00a0A\u00a0' },
    { option: { width: 5 }, legacy: 'ab   ', domain: 'ab' },
  ])('toDomain $option: $legacy -> $domain', ({ option, legacy, domain }) => {
    expect(compileTransform('trim', option, context).toDomain(legacy)).toBe(domain);
  });

  it('sends values unchanged without a width', () => {
    expect(compileTransform('trim', true, context).toLegacy(' a ')).toBe(' a ');
    expect(compileTransform('trim', 'end', context).toLegacy('a')).toBe('a');
  });

  it.each<Case>([
    { option: { width: 5 }, domain: 'ab', legacy: 'ab   ' },
    { option: { width: 5 }, domain: 'abcde', legacy: 'abcde' },
    { option: { width: 3 }, domain: '', legacy: '   ' },
    { option: { width: 4, side: 'start' }, domain: '42', legacy: '  42' },
    { option: { width: 4, side: 'end' }, domain: '42', legacy: '42  ' },
    { option: { width: 3 }, domain: 'é😀', legacy: 'é😀 ' },
  ])('toLegacy $option: $domain -> $legacy', ({ option, domain, legacy }) => {
    expect(compileTransform('trim', option, context).toLegacy(domain)).toBe(legacy);
  });

  it('refuses a value longer than the width', () => {
    expect(() => compileTransform('trim', { width: 3 }, context).toLegacy('abcd')).toThrow(TransformError);
  });

  it('refuses booleans rather than guessing their text', () => {
    expect(() => compileTransform('trim', true, context).toDomain(true)).toThrow(TransformError);
  });

  it.each([
    { option: false, issues: [{ path: [], message: 'expected true (leave trim out to keep blanks)' }] },
    { option: 'left', issues: [{ path: [], message: expect.stringContaining('"both"') }] },
    { option: { width: 0 }, issues: [{ path: ['width'], message: expect.any(String) }] },
    { option: { width: 2.5 }, issues: [{ path: ['width'], message: expect.any(String) }] },
    { option: { side: 'middle' }, issues: [{ path: ['side'], message: expect.any(String) }] },
    { option: { widht: 3 }, issues: [{ path: [], message: "unknown option 'widht'" }] },
  ])('refuses the option $option', ({ option, issues }) => {
    expect(configIssues('trim', option)).toEqual(issues);
  });
});

describe('case', () => {
  it.each([
    { option: 'upper', legacy: 'abc', domain: 'ABC', back: 'ABC' },
    { option: 'lower', legacy: 'ABC', domain: 'abc', back: 'abc' },
    { option: { domain: 'lower', legacy: 'upper' }, legacy: 'ABC', domain: 'abc', back: 'ABC' },
    { option: { domain: 'lower' }, legacy: 'ABC', domain: 'abc', back: 'abc' },
    { option: { domain: 'keep', legacy: 'upper' }, legacy: 'AbC', domain: 'AbC', back: 'ABC' },
  ])('$option: $legacy -> $domain -> $back', ({ option, legacy, domain, back }) => {
    const transform = compileTransform('case', option, context);
    expect(transform.toDomain(legacy)).toBe(domain);
    expect(transform.toLegacy(domain)).toBe(back);
  });

  it('does not depend on the server locale', () => {
    expect(compileTransform('case', 'upper', context).toDomain('istanbul')).toBe('ISTANBUL');
  });

  it.each([
    { option: 'title', path: [] },
    { option: true, path: [] },
    { option: { domain: 'keep', legacy: 'keep' }, path: [] },
    { option: { domain: 'UPPER' }, path: ['domain'] },
  ])('refuses the option $option', ({ option, path }) => {
    expect(configIssues('case', option)).toEqual([{ path, message: expect.any(String) }]);
  });

  it('names an unknown key of the object form', () => {
    expect(configIssues('case', { both: 'upper' })).toContainEqual({ path: [], message: "unknown option 'both'" });
  });
});

describe('pad', () => {
  it.each([
    { option: 8, legacy: '00000042', domain: '42' },
    { option: 8, legacy: '00000000', domain: '0' },
    { option: 8, legacy: '12345678', domain: '12345678' },
    { option: 8, legacy: '000000042', domain: '42' },
    { option: 8, legacy: '', domain: '' },
    { option: { length: 6, with: ' ' }, legacy: '   abc', domain: 'abc' },
    { option: { length: 6, with: ' ' }, legacy: '      ', domain: '' },
    { option: { length: 6, with: '0', side: 'end' }, legacy: '120000', domain: '12' },
    { option: { length: 6, with: '*', side: 'end' }, legacy: 'ab****', domain: 'ab' },
    { option: { length: 6 }, legacy: '0000A0', domain: 'A0' },
  ])('toDomain $option: $legacy -> $domain', ({ option, legacy, domain }) => {
    expect(compileTransform('pad', option, context).toDomain(legacy)).toBe(domain);
  });

  it.each<Case>([
    { option: 8, domain: '42', legacy: '00000042' },
    { option: 8, domain: 42, legacy: '00000042' },
    { option: 8, domain: '0', legacy: '00000000' },
    { option: 8, domain: '12345678', legacy: '12345678' },
    { option: { length: 5, with: ' ', side: 'end' }, domain: 'ab', legacy: 'ab   ' },
    { option: { length: 5, with: '_' }, domain: 'ab', legacy: '___ab' },
    { option: { length: 3, with: '·' }, domain: '😀', legacy: '··😀' },
  ])('toLegacy $option: $domain -> $legacy', ({ option, domain, legacy }) => {
    expect(compileTransform('pad', option, context).toLegacy(domain)).toBe(legacy);
  });

  it.each<Scalar>(['123456789', 123456789, true, 4.2])('toLegacy refuses %s', (value) => {
    expect(() => compileTransform('pad', 8, context).toLegacy(value)).toThrow(TransformError);
  });

  it.each([
    { option: 0, path: [] },
    { option: -3, path: [] },
    { option: '8', path: [] },
    { option: { length: 8, with: '00' }, path: ['with'] },
    { option: { length: 8, with: '' }, path: ['with'] },
    { option: { length: 8, side: 'left' }, path: ['side'] },
    { option: { with: '0' }, path: ['length'] },
  ])('refuses the option $option', ({ option, path }) => {
    expect(configIssues('pad', option)).toEqual([{ path, message: expect.any(String) }]);
  });
});

describe('prefix', () => {
  const transform = compileTransform('prefix', 'P-', context);

  it('strips the prefix on replies and adds it on requests', () => {
    expect(transform.toDomain('P-000123')).toBe('000123');
    expect(transform.toDomain('P-')).toBe('');
    expect(transform.toLegacy('000123')).toBe('P-000123');
    expect(transform.toLegacy(123)).toBe('P-123');
  });

  it.each(['000123', 'p-000123', ' P-1', 'P'])('refuses the reply %j without the prefix', (value) => {
    expect(() => transform.toDomain(value)).toThrow(TransformError);
  });

  it.each([
    { option: '', message: 'the prefix is empty' },
    { option: 7, message: 'expected the prefix as a quoted string' },
    { option: ['P-'], message: 'expected the prefix as a quoted string' },
  ])('refuses the option $option', ({ option, message }) => {
    expect(configIssues('prefix', option)).toEqual([{ path: [], message }]);
  });
});

describe('nullIf', () => {
  it.each<{ option: unknown; legacy: Scalar; domain: Scalar }>([
    { option: '00000000', legacy: '00000000', domain: null },
    { option: '00000000', legacy: '20240131', domain: '20240131' },
    { option: '00000000', legacy: '0', domain: '0' },
    { option: '', legacy: '', domain: null },
    { option: '', legacy: ' ', domain: ' ' },
    { option: ['', '  ', '99999999'], legacy: '  ', domain: null },
    { option: ['', '  ', '99999999'], legacy: '99999999', domain: null },
    { option: ['', '  '], legacy: 0, domain: 0 },
  ])('toDomain $option: $legacy -> $domain', ({ option, legacy, domain }) => {
    expect(compileTransform('nullIf', option, context).toDomain(legacy)).toBe(domain);
  });

  it('sends the first sentinel for null and every other value unchanged', () => {
    const transform = compileTransform('nullIf', ['00000000', ''], context);
    expect(transform.toLegacy(null)).toBe('00000000');
    expect(transform.toLegacy('20240131')).toBe('20240131');
    expect(transform.toLegacy(false)).toBe(false);
  });

  it.each([
    { option: 0, path: [] },
    { option: [], path: [] },
    { option: ['', 0], path: [1] },
    { option: null, path: [] },
    { option: { value: '' }, path: [] },
  ])('refuses the option $option', ({ option, path }) => {
    expect(configIssues('nullIf', option)).toEqual([{ path, message: expect.any(String) }]);
  });

  it('tells why numbers are refused', () => {
    expect(JSON.stringify(configIssues('nullIf', 0))).toContain('quoted');
  });
});
