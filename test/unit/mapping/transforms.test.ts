import { describe, expect, it } from 'vitest';
import {
  builtInTransforms,
  compileTransform,
  isTransformConfigError,
  isTransformError,
  type Scalar,
  TransformConfigError,
  TransformError,
} from '../../../src/mapping/transforms/index.js';
import { configIssues, noCodeTables } from '../../support/transforms.js';

const context = noCodeTables;


describe('the transform registry', () => {
  const names = ['trim', 'case', 'pad', 'decimal', 'integer', 'boolean', 'date', 'timestamp', 'codes', 'cents', 'nullIf', 'prefix'];

  it('knows every built-in transform by the key written in a mapping', () => {
    expect([...builtInTransforms.keys()].sort()).toEqual([...names].sort());
    for (const name of names) expect(builtInTransforms.has(name)).toBe(true);
  });

  it('does not take field keywords or near misses for transforms', () => {
    for (const key of ['from', 'default', 'const', 'Trim', 'codes ', 'toString', '__proto__']) {
      expect(builtInTransforms.has(key)).toBe(false);
    }
  });

  it('reports an unknown transform with the known names', () => {
    const issues = configIssues('trimm', true);
    expect(issues).toEqual([{ path: [], message: expect.stringContaining("unknown transform 'trimm'") }]);
    expect(JSON.stringify(issues)).toContain('trim, case, pad');
  });

  it('names each compiled transform after its key', () => {
    expect(compileTransform('pad', 8, context).name).toBe('pad');
    expect(compileTransform('nullIf', '', context).name).toBe('nullIf');
  });

  it('accepts a registry of its own for custom transforms', () => {
    const registry = new Map(builtInTransforms);
    registry.delete('pad');
    expect(() => compileTransform('pad', 8, context, registry)).toThrow(TransformConfigError);
    expect(compileTransform('trim', true, context, registry).toDomain(' a ')).toBe('a');
  });
});

describe('null', () => {
  const options: [string, unknown][] = [
    ['trim', { width: 4 }],
    ['case', 'upper'],
    ['pad', 8],
    ['decimal', { scale: 2 }],
    ['integer', true],
    ['boolean', 'YN'],
    ['date', 'yyyyMMdd'],
    ['timestamp', 'yyyyMMddHHmmss'],
    ['codes', { A: 'active' }],
    ['cents', 2],
    ['prefix', 'P-'],
  ];

  it.each(options)('passes through %s unchanged in both directions', (name, option) => {
    const transform = compileTransform(name, option, context);
    expect(transform.toDomain(null)).toBeNull();
    expect(transform.toLegacy(null)).toBeNull();
  });

  it('is what nullIf is about', () => {
    const transform = compileTransform('nullIf', '00000000', context);
    expect(transform.toDomain(null)).toBeNull();
    expect(transform.toLegacy(null)).toBe('00000000');
  });
});

describe('TransformError', () => {
  function refusal(run: () => Scalar): TransformError {
    try {
      run();
    } catch (error) {
      if (isTransformError(error)) return error;
      throw error;
    }
    throw new Error('expected a TransformError');
  }

  it('names the transform, the reason and the value', () => {
    const error = refusal(() => compileTransform('date', 'yyyyMMdd', context).toDomain('20230230'));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TransformError');
    expect(error.transform).toBe('date');
    expect(error.reason).toBe('not a real calendar date');
    expect(error.value).toBe('"20230230"');
    expect(error.message).toBe('date: not a real calendar date (got "20230230")');
  });

  it('renders a long value cut short, and control characters escaped', () => {
    const error = refusal(() => compileTransform('integer', true, context).toDomain(`${'x'.repeat(500)}\n`));
    expect(error.value.length).toBeLessThanOrEqual(40);
    expect(error.value.endsWith('…')).toBe(true);
    const escaped = refusal(() => compileTransform('integer', true, context).toDomain('1\n\u0000'));
    expect(escaped.value).toBe('"1\\n\\u0000"');
    const controls = refusal(() => compileTransform('integer', true, context).toDomain('\u0001'.repeat(30)));
    expect(controls.value.length).toBeLessThanOrEqual(40);
    expect(controls.value.startsWith('"\\u0001')).toBe(true);
  });

  it('does not cut a surrogate pair in half', () => {
    const error = refusal(() => compileTransform('integer', true, context).toDomain(`${'x'.repeat(36)}😀😀😀`));
    expect(error.value).not.toMatch(/\\ud83d"/);
  });

  it('renders non-string values plainly', () => {
    expect(refusal(() => compileTransform('boolean', 'YN', context).toLegacy(1)).value).toBe('1');
  });

  it('is told apart by its guard', () => {
    expect(isTransformError(new TransformError('x', 'v', 'r'))).toBe(true);
    expect(isTransformError(new Error('x'))).toBe(false);
    expect(isTransformConfigError(new TransformConfigError('x', []))).toBe(true);
    expect(isTransformConfigError(new TransformError('x', 'v', 'r'))).toBe(false);
  });
});

describe('TransformConfigError', () => {
  it('carries issues with paths relative to the option and a readable message', () => {
    const error = new TransformConfigError('pad', [
      { path: ['with'], message: 'must be exactly one character' },
      { path: [], message: 'whole' },
    ]);
    expect(error.name).toBe('TransformConfigError');
    expect(error.transform).toBe('pad');
    expect(error.message).toBe('pad: with: must be exactly one character; whole');
  });

  it('explains options of the wrong kind with the forms accepted', () => {
    expect(configIssues('trim', 5)).toEqual([
      { path: [], message: "expected true, 'both', 'start', 'end' or { width, side? }" },
    ]);
    expect(configIssues('pad', null)).toEqual([{ path: [], message: 'expected a length (8) or { length, with?, side? }' }]);
    expect(configIssues('pad', undefined)).toEqual([{ path: [], message: 'required' }]);
  });

  it('names unknown option keys and missing required ones', () => {
    expect(configIssues('pad', { lenght: 8 })).toEqual([
      { path: ['length'], message: 'required' },
      { path: [], message: "unknown option 'lenght'" },
    ]);
  });
});
