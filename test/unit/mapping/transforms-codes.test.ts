import { describe, expect, it } from 'vitest';
import {
  compileTransform,
  type Scalar,
  type TransformContext,
  TransformError,
} from '../../../src/mapping/transforms/index.js';
import { configIssues as configIssuesIn } from '../../support/transforms.js';

const tables: Record<string, Record<string, Scalar>> = {
  customerStatus: { A: 'active', I: 'inactive', X: 'closed' },
  legacyDuplicates: { A: 'active', '1': 'active', I: 'inactive' },
  withNull: { A: 'active', Z: null },
  empty: {},
};

const context: TransformContext = { codeTable: (name) => tables[name] };
const configIssues = (name: string, option: unknown): unknown => configIssuesIn(name, option, context);


describe('codes', () => {
  const status = compileTransform('codes', { A: 'active', I: 'inactive', X: 'closed' }, context);

  it('maps legacy codes to domain values and back', () => {
    expect(status.toDomain('A')).toBe('active');
    expect(status.toDomain('X')).toBe('closed');
    expect(status.toLegacy('inactive')).toBe('I');
  });

  it.each<Scalar>(['B', 'a', ' A', '', 'active', 1, true])('refuses the unknown code %j', (value) => {
    expect(() => status.toDomain(value)).toThrow(expect.objectContaining({ reason: 'not a known code' }));
  });

  it.each<Scalar>(['A', 'Active', 'unknown', 0, false])('refuses the unmapped domain value %j', (value) => {
    expect(() => status.toLegacy(value)).toThrow(TransformError);
  });

  it('does not see object prototype keys as codes', () => {
    expect(() => status.toDomain('constructor')).toThrow(TransformError);
    expect(() => status.toDomain('__proto__')).toThrow(TransformError);
    expect(() => status.toLegacy('toString')).toThrow(TransformError);
  });

  it('compares YAML numbers and booleans as the text legacy sends', () => {
    // YAML `1: yes` gives the key "1"; a legacy code is always text.
    const priority = compileTransform('codes', { '1': 'high', '2': 'low' }, context);
    expect(priority.toDomain('1')).toBe('high');
    expect(priority.toDomain(2)).toBe('low');
    expect(priority.toLegacy('high')).toBe('1');
  });

  it('keeps YAML booleans and numbers as JSON values on the domain side', () => {
    const flag = compileTransform('codes', { Y: true, N: false, U: 0 }, context);
    expect(flag.toDomain('Y')).toBe(true);
    expect(flag.toDomain('N')).toBe(false);
    expect(flag.toDomain('U')).toBe(0);
    expect(flag.toLegacy(true)).toBe('Y');
    expect(flag.toLegacy(false)).toBe('N');
    expect(flag.toLegacy(0)).toBe('U');
  });

  it('reads a named table of the mapping file', () => {
    for (const option of ['customerStatus', { table: 'customerStatus' }]) {
      const transform = compileTransform('codes', option, context);
      expect(transform.toDomain('I')).toBe('inactive');
      expect(transform.toLegacy('closed')).toBe('X');
    }
  });

  it('sends the code legacyFor names when several codes mean one value', () => {
    const transform = compileTransform(
      'codes',
      { table: { A: 'active', '1': 'active', I: 'inactive' }, legacyFor: { active: 'A' } },
      context,
    );
    expect(transform.toDomain('1')).toBe('active');
    expect(transform.toDomain('A')).toBe('active');
    expect(transform.toLegacy('active')).toBe('A');
    expect(transform.toLegacy('inactive')).toBe('I');
    const named = compileTransform('codes', { table: 'legacyDuplicates', legacyFor: { active: 1 } }, context);
    expect(named.toLegacy('active')).toBe('1');
  });

  it('maps unknown codes to `otherwise` on replies only', () => {
    const transform = compileTransform('codes', { table: { A: 'active' }, otherwise: 'unknown' }, context);
    expect(transform.toDomain('A')).toBe('active');
    expect(transform.toDomain('Q')).toBe('unknown');
    expect(() => transform.toLegacy('unknown')).toThrow(TransformError);
    const reversible = compileTransform('codes', { table: { A: 'active', '?': 'unknown' }, otherwise: 'unknown' }, context);
    expect(reversible.toLegacy('unknown')).toBe('?');
  });

  it('treats an object with a table key as the option form, so a code named table needs it', () => {
    const transform = compileTransform('codes', { table: { table: 'furniture', chair: 'seat' } }, context);
    expect(transform.toDomain('table')).toBe('furniture');
    expect(configIssues('codes', { table: 'furniture', chair: 'seat' })).toEqual([
      { path: [], message: "unknown option 'chair'" },
    ]);
  });

  it.each<{ option: unknown; issues: unknown[] }>([
    {
      option: { A: 'active', B: 'active' },
      issues: [{ path: ['B'], message: expect.stringMatching(/'A', 'B' map to the same value 'active'.*legacyFor/) }],
    },
    {
      option: { table: { A: 'active', B: 'active', C: 'active' } },
      issues: [{ path: ['table', 'B'], message: expect.stringContaining('add legacyFor: { active: A }') }],
    },
    {
      option: 'legacyDuplicates',
      issues: [{ path: [], message: expect.stringContaining("codes '1', 'A' map to the same value 'active'") }],
    },
    { option: { table: 'legacyDuplicates' }, issues: [{ path: ['table'], message: expect.any(String) }] },
    {
      option: { table: { A: 'active', B: 'active' }, legacyFor: { active: 'C', closed: 'A' } },
      issues: [
        { path: ['legacyFor', 'active'], message: "'C' does not map to 'active' ('A', 'B' do)" },
        { path: ['legacyFor', 'closed'], message: "no code maps to 'closed'" },
      ],
    },
    { option: { A: true, B: 'true' }, issues: [{ path: ['B'], message: expect.any(String) }] },
    { option: 'nope', issues: [{ path: [], message: "no code table named 'nope' in the file's codes: section" }] },
    { option: { table: 'nope' }, issues: [{ path: ['table'], message: expect.stringContaining("'nope'") }] },
    { option: 'empty', issues: [{ path: [], message: 'the code table is empty' }] },
    { option: {}, issues: [{ path: [], message: 'the code table is empty' }] },
    { option: '', issues: [{ path: [], message: 'expected a code table name' }] },
    { option: 'withNull', issues: [{ path: [], message: "'Z' maps to null; use nullIf for that" }] },
    { option: { A: 'active', Z: null }, issues: [{ path: ['Z'], message: expect.stringContaining('nullIf') }] },
    { option: { A: { nested: 1 } }, issues: [{ path: ['A'], message: expect.any(String) }] },
    { option: { table: { A: 'x' }, otherwis: 'y' }, issues: [{ path: [], message: "unknown option 'otherwis'" }] },
    { option: { table: { A: 'x' }, otherwise: null }, issues: [{ path: ['otherwise'], message: expect.any(String) }] },
    { option: { table: { A: 'x' }, legacyFor: { x: ['A'] } }, issues: [{ path: ['legacyFor', 'x'], message: expect.any(String) }] },
    { option: { table: 5 }, issues: [{ path: ['table'], message: 'expected an inline code table or the name of one' }] },
    { option: true, issues: [{ path: [], message: expect.stringContaining('a code table') }] },
    { option: ['A', 'B'], issues: [{ path: [], message: expect.stringContaining('a code table') }] },
  ])('refuses the option $option', ({ option, issues }) => {
    expect(configIssues('codes', option)).toEqual(issues);
  });
});

describe('boolean', () => {
  it.each<{ option: unknown; yes: string; no: string }>([
    { option: 'YN', yes: 'Y', no: 'N' },
    { option: '10', yes: '1', no: '0' },
    { option: 10, yes: '1', no: '0' },
    { option: 'TF', yes: 'T', no: 'F' },
    { option: 'truefalse', yes: 'true', no: 'false' },
    { option: { true: 'J', false: 'N' }, yes: 'J', no: 'N' },
    { option: { true: 1, false: 0 }, yes: '1', no: '0' },
    { option: { true: ['Y', 'J'], false: ['N', ' ', ''] }, yes: 'Y', no: 'N' },
  ])('$option reads $yes/$no and writes them back', ({ option, yes, no }) => {
    const transform = compileTransform('boolean', option, context);
    expect(transform.toDomain(yes)).toBe(true);
    expect(transform.toDomain(no)).toBe(false);
    expect(transform.toLegacy(true)).toBe(yes);
    expect(transform.toLegacy(false)).toBe(no);
  });

  it('reads every spelling of a list and writes the first', () => {
    const transform = compileTransform('boolean', { true: ['Y', 'J'], false: ['N', ' ', ''] }, context);
    expect(transform.toDomain('J')).toBe(true);
    expect(transform.toDomain(' ')).toBe(false);
    expect(transform.toDomain('')).toBe(false);
  });

  it('compares exactly unless ignoreCase', () => {
    expect(() => compileTransform('boolean', 'YN', context).toDomain('y')).toThrow(TransformError);
    const lenient = compileTransform('boolean', { true: 'Y', false: 'N', ignoreCase: true }, context);
    expect(lenient.toDomain('y')).toBe(true);
    expect(lenient.toDomain('n')).toBe(false);
    expect(lenient.toLegacy(true)).toBe('Y');
  });

  it.each<Scalar>(['X', 'Yes', ' Y', '', 'true', 2])('YN refuses the code %j', (value) => {
    expect(() => compileTransform('boolean', 'YN', context).toDomain(value)).toThrow(TransformError);
  });

  it.each<Scalar>(['true', 'Y', 1, 0])('toLegacy refuses the non-boolean %j', (value) => {
    expect(() => compileTransform('boolean', 'YN', context).toLegacy(value)).toThrow(
      expect.objectContaining({ reason: 'expected true or false' }),
    );
  });

  it.each<{ option: unknown; issues: unknown[] }>([
    { option: 'yn', issues: [{ path: [], message: expect.stringContaining("unknown preset; use 'YN', '10'") }] },
    { option: true, issues: [{ path: [], message: expect.stringContaining("'YN'") }] },
    { option: { true: 'Y' }, issues: [{ path: ['false'], message: 'required' }] },
    { option: { true: 'Y', false: 'Y' }, issues: [{ path: ['false'], message: "'Y' is also a true code" }] },
    {
      option: { true: ['Y', 'J'], false: ['N', 'j'], ignoreCase: true },
      issues: [{ path: ['false', 1], message: "'j' is also a true code" }],
    },
    { option: { true: [], false: 'N' }, issues: [{ path: ['true'], message: expect.any(String) }] },
    { option: { true: 'Y', false: 'N', ignorecase: true }, issues: [{ path: [], message: "unknown option 'ignorecase'" }] },
    { option: { true: { a: 1 }, false: 'N' }, issues: [{ path: ['true'], message: 'expected a code or a list of codes' }] },
    { option: { true: ['Y', null], false: 'N' }, issues: [{ path: ['true', 1], message: 'expected a legacy code (text)' }] },
  ])('refuses the option $option', ({ option, issues }) => {
    expect(configIssues('boolean', option)).toEqual(issues);
  });

  it('allows the same code in both lists when case matters', () => {
    const transform = compileTransform('boolean', { true: 'Y', false: 'y' }, context);
    expect(transform.toDomain('y')).toBe(false);
  });
});
