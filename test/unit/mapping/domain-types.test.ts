import { describe, expect, it } from 'vitest';
import type { TypeDeclaration } from '../../../src/config/index.js';
import { TypeRegistry } from '../../../src/mapping/index.js';

const registry = new TypeRegistry(
  new Map<string, TypeDeclaration>([
    ['Id', { type: 'string', pattern: '^[1-9][0-9]*$' }],
    ['Node', { fields: { id: 'Id', children: 'Node[]', parent: 'Id?' }, unknownFields: 'reject' }],
    ['Loose', { fields: { name: 'string' }, unknownFields: 'strip' }],
  ]),
);

describe('domain types', () => {
  it('validates dates as real calendar dates', () => {
    const date = registry.schemaFor('date', 'output');
    expect(date.safeParse('2024-02-29').success).toBe(true);
    expect(date.safeParse('2023-02-29').success).toBe(false);
    expect(date.safeParse('20240229').success).toBe(false);
    // Years below 100 are real years, as the date transform writes them (JS Date would shift them by 1900).
    expect(date.safeParse('0001-01-01').success).toBe(true);
    expect(date.safeParse('0050-02-29').success).toBe(false);
  });

  it('checks pattern and length constraints on a named string type, value after value', () => {
    const code = registry.schemaFor({ type: 'Id', pattern: '^1', maxLength: 3 }, 'body');
    for (let round = 0; round < 2; round++) {
      expect(code.safeParse('12').success).toBe(true);
      expect(code.safeParse('21').success).toBe(false);
      expect(code.safeParse('1234').success).toBe(false);
    }
  });

  it('keeps decimals as strings and refuses numbers', () => {
    const decimal = registry.schemaFor('decimal', 'output');
    expect(decimal.parse('1500.00')).toBe('1500.00');
    expect(decimal.safeParse(1500).success).toBe(false);
    expect(decimal.safeParse('1,500').success).toBe(false);
    expect(decimal.safeParse('01.5').success).toBe(false);
  });

  it('coerces path and query values, and only those', () => {
    expect(registry.schemaFor('integer', 'param').parse('42')).toBe(42);
    expect(registry.schemaFor('integer', 'param').safeParse('4.2').success).toBe(false);
    expect(registry.schemaFor('boolean', 'param').parse('false')).toBe(false);
    expect(registry.schemaFor('integer', 'body').safeParse('42').success).toBe(false);
    expect(registry.schemaFor('integer', 'body').safeParse(2 ** 53).success).toBe(false);
  });

  it('resolves recursive and nullable references', () => {
    const node = registry.schemaFor('Node', 'body');
    expect(node.parse({ id: '1', parent: null, children: [{ id: '2', parent: '1', children: [] }] })).toBeTruthy();
    expect(node.safeParse({ id: '1', children: [] }).success).toBe(false);
  });

  it('refuses unknown input fields unless the type strips them, and strips them from output', () => {
    expect(registry.schemaFor('Node', 'body').safeParse({ id: '1', parent: null, children: [], extra: 1 }).success).toBe(false);
    expect(registry.schemaFor('Loose', 'body').parse({ name: 'a', extra: 1 })).toEqual({ name: 'a' });
    expect(registry.schemaFor('Node', 'output').parse({ id: '1', parent: null, children: [], extra: 1 })).toEqual({ id: '1', parent: null, children: [] });
  });

  it('checks enums, ranges, defaults and optional fields', () => {
    const query = registry.objectSchema(
      { status: { enum: ['active', 'closed'] }, limit: { type: 'integer', minimum: 1, maximum: 10, default: 5 }, q: { type: 'string', optional: true } },
      'param',
      'strip',
    );
    expect(query.parse({ status: 'active' })).toEqual({ status: 'active', limit: 5 });
    expect(query.safeParse({ status: 'open' }).success).toBe(false);
    expect(query.safeParse({ status: 'active', limit: '11' }).success).toBe(false);
  });

  it('names unknown types with the known ones', () => {
    expect(() => registry.checkSpec('Nod')).toThrow(/unknown type "Nod"; use one of string, integer, .*Id, Node, Loose/);
  });
});
