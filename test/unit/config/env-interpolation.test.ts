import { describe, expect, it } from 'vitest';
import { interpolateString, interpolateTree } from '../../../src/config/env-interpolation.js';

describe('environment references in gateway.yaml', () => {
  it('replaces set variables and falls back to defaults', () => {
    expect(interpolateString('http://${HOST}:${PORT:-8701}/crm', { HOST: 'crm.internal' })).toBe('http://crm.internal:8701/crm');
    expect(interpolateString('${PORT:-8701}', { PORT: '9000' })).toBe('9000');
    expect(interpolateString('no references', {})).toBe('no references');
  });

  it('reports a missing variable by path without throwing', () => {
    const errors: string[] = [];
    const result = interpolateTree({ a: ['${MISSING}'] }, {}, (path, message) => errors.push(`${path}: ${message}`));
    expect(result).toEqual({ a: ['${MISSING}'] });
    expect(errors).toEqual([expect.stringMatching(/^a\.0: environment variable MISSING is not set/)]);
  });

  it('keeps a __proto__ key as data', () => {
    const tree = JSON.parse('{"__proto__": {"polluted": "${X:-yes}"}}') as unknown;
    const result = interpolateTree(tree, {}, () => undefined) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
