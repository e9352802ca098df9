import { describe, expect, it } from 'vitest';
import {
  compileTransform,
  type Scalar,
  TransformError,
} from '../../../src/mapping/transforms/index.js';
import { configIssues, noCodeTables } from '../../support/transforms.js';

const context = noCodeTables;


describe('decimal', () => {
  it.each([
    { option: true, legacy: '123.45', domain: '123.45' },
    { option: true, legacy: '+007.50', domain: '7.50' },
    { option: true, legacy: '1.10', domain: '1.10' },
    { option: true, legacy: '-0', domain: '0' },
    { option: true, legacy: '-0.000', domain: '0.000' },
    { option: true, legacy: '-000.01', domain: '-0.01' },
    { option: true, legacy: '0000', domain: '0' },
    { option: true, legacy: '12345678901234567890.123456789', domain: '12345678901234567890.123456789' },
    { option: { scale: 2 }, legacy: '5', domain: '5.00' },
    { option: { scale: 2 }, legacy: '5.1', domain: '5.10' },
    { option: { scale: 2 }, legacy: '1.230', domain: '1.23' },
    { option: { scale: 2 }, legacy: '-0.0000', domain: '0.00' },
    { option: { scale: 0 }, legacy: '12.000', domain: '12' },
    { option: { scale: 3 }, legacy: '-1', domain: '-1.000' },
  ])('toDomain $option: $legacy -> $domain', ({ option, legacy, domain }) => {
    expect(compileTransform('decimal', option, context).toDomain(legacy)).toBe(domain);
  });

  it.each([
    '',
    '.5',
    '5.',
    '1e5',
    '1,5',
    ' 1',
    '1 ',
    '--1',
    '+-1',
    '0x10',
    'NaN',
    'Infinity',
    '١٢',
    '1.2.3',
  ])('toDomain refuses %j', (value) => {
    expect(() => compileTransform('decimal', true, context).toDomain(value)).toThrow(TransformError);
  });

  it('refuses to round away significant digits', () => {
    const transform = compileTransform('decimal', { scale: 2 }, context);
    expect(() => transform.toDomain('1.234')).toThrow(/refusing to round/);
    expect(() => transform.toLegacy('0.001')).toThrow(TransformError);
    expect(() => compileTransform('decimal', { scale: 0 }, context).toDomain('12.5')).toThrow(TransformError);
  });

  it.each<{ option: unknown; domain: Scalar; legacy: string }>([
    { option: true, domain: '123.45', legacy: '123.45' },
    { option: true, domain: '+0.5', legacy: '0.5' },
    { option: true, domain: 42, legacy: '42' },
    { option: true, domain: -0, legacy: '0' },
    { option: { scale: 2 }, domain: '5', legacy: '5.00' },
    { option: { scale: 2 }, domain: 5, legacy: '5.00' },
    { option: { scale: 2 }, domain: '-12.30', legacy: '-12.30' },
    { option: true, domain: '9007199254740993', legacy: '9007199254740993' },
  ])('toLegacy $option: $domain -> $legacy', ({ option, domain, legacy }) => {
    expect(compileTransform('decimal', option, context).toLegacy(domain)).toBe(legacy);
  });

  it.each<Scalar>([0.1, 1e21, Number.NaN, Number.POSITIVE_INFINITY, true, 'abc'])('toLegacy refuses %s', (value) => {
    expect(() => compileTransform('decimal', true, context).toLegacy(value)).toThrow(TransformError);
  });

  it.each([
    { option: false, path: [] },
    { option: 2, path: [] },
    { option: { scale: -1 }, path: ['scale'] },
    { option: { scale: 1.5 }, path: ['scale'] },
    { option: {}, path: ['scale'] },
    { option: { precision: 2, scale: 2 }, path: [] },
  ])('refuses the option $option', ({ option, path }) => {
    expect(configIssues('decimal', option)).toEqual([{ path, message: expect.any(String) }]);
  });
});

describe('integer', () => {
  const transform = compileTransform('integer', true, context);

  it.each([
    { legacy: '42', domain: 42 },
    { legacy: '0042', domain: 42 },
    { legacy: '+7', domain: 7 },
    { legacy: '-15', domain: -15 },
    { legacy: '-0', domain: 0 },
    { legacy: '9007199254740991', domain: Number.MAX_SAFE_INTEGER },
    { legacy: '-9007199254740991', domain: Number.MIN_SAFE_INTEGER },
  ])('toDomain $legacy -> $domain', ({ legacy, domain }) => {
    expect(Object.is(transform.toDomain(legacy), domain)).toBe(true);
  });

  it.each(['9007199254740992', '-9007199254740993', '1'.repeat(400), '1.0', '1.5', '', ' 1', '1e3', 'abc', '0x1F'])(
    'toDomain refuses %j',
    (value) => {
      expect(() => transform.toDomain(value)).toThrow(TransformError);
    },
  );

  it.each<{ domain: Scalar; legacy: string }>([
    { domain: 42, legacy: '42' },
    { domain: -42, legacy: '-42' },
    { domain: -0, legacy: '0' },
    { domain: '0042', legacy: '42' },
    { domain: Number.MAX_SAFE_INTEGER, legacy: '9007199254740991' },
  ])('toLegacy $domain -> $legacy', ({ domain, legacy }) => {
    expect(transform.toLegacy(domain)).toBe(legacy);
  });

  it.each<Scalar>([1.5, 2 ** 53, Number.NaN, false, '1.5', '9007199254740992'])('toLegacy refuses %s', (value) => {
    expect(() => transform.toLegacy(value)).toThrow(TransformError);
  });

  it.each([false, 'yes', {}, 1])('refuses the option %j', (option) => {
    expect(configIssues('integer', option)).toEqual([{ path: [], message: 'expected true' }]);
  });
});

describe('cents', () => {
  it.each([
    { option: true, legacy: '12345', domain: '123.45' },
    { option: 2, legacy: '-5', domain: '-0.05' },
    { option: 2, legacy: '0', domain: '0.00' },
    { option: 2, legacy: '-0', domain: '0.00' },
    { option: 2, legacy: '000100', domain: '1.00' },
    { option: 2, legacy: '+99', domain: '0.99' },
    { option: 3, legacy: '1500', domain: '1.500' },
    { option: 3, legacy: '7', domain: '0.007' },
    { option: 0, legacy: '1500', domain: '1500' },
    { option: 0, legacy: '-0', domain: '0' },
    { option: 2, legacy: '123456789012345678901234567890', domain: '1234567890123456789012345678.90' },
  ])('toDomain $option: $legacy -> $domain', ({ option, legacy, domain }) => {
    expect(compileTransform('cents', option, context).toDomain(legacy)).toBe(domain);
  });

  it.each(['1.00', '', '1e3', ' 5', '12,34', '.5'])('toDomain refuses %j', (value) => {
    expect(() => compileTransform('cents', true, context).toDomain(value)).toThrow(TransformError);
  });

  it.each<{ option: unknown; domain: Scalar; legacy: string }>([
    { option: true, domain: '123.45', legacy: '12345' },
    { option: true, domain: '123.4', legacy: '12340' },
    { option: true, domain: '123', legacy: '12300' },
    { option: true, domain: '-0.05', legacy: '-5' },
    { option: true, domain: '0.00', legacy: '0' },
    { option: true, domain: '-0.00', legacy: '0' },
    { option: true, domain: '1.230', legacy: '123' },
    { option: true, domain: 7, legacy: '700' },
    { option: 3, domain: '1.5', legacy: '1500' },
    { option: 0, domain: '1500', legacy: '1500' },
    { option: 0, domain: '1500.00', legacy: '1500' },
    { option: 2, domain: '1234567890123456789012345678.90', legacy: '123456789012345678901234567890' },
  ])('toLegacy $option: $domain -> $legacy', ({ option, domain, legacy }) => {
    expect(compileTransform('cents', option, context).toLegacy(domain)).toBe(legacy);
  });

  it.each<Scalar>(['1.234', '0.001', 1.5, 'abc', '', true])('toLegacy with 2 digits refuses %s', (value) => {
    expect(() => compileTransform('cents', 2, context).toLegacy(value)).toThrow(TransformError);
  });

  it('toLegacy with 0 digits refuses a fraction', () => {
    expect(() => compileTransform('cents', 0, context).toLegacy('1.5')).toThrow(TransformError);
  });

  it.each([false, -1, 2.5, '2', 19, { digits: 2 }])('refuses the option %j', (option) => {
    expect(configIssues('cents', option)).toEqual([{ path: [], message: expect.any(String) }]);
  });
});
