import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCustomTransform } from '../../../src/mapping/transforms/custom.js';
import { TransformError, type TransformContext } from '../../../src/mapping/transforms/index.js';

/** The guard around a custom transform's two functions: what they may return and throw. */
const context: TransformContext = { codeTable: () => undefined };

async function load(source: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'ficus-transform-')), 'transform.mjs');
  writeFileSync(file, source);
  return (await loadCustomTransform('custom', file)).compile(undefined, context);
}

describe('a custom transform', () => {
  it('gets values, never null', async () => {
    const transform = await load('export default { compile: () => ({ toDomain: (v) => `<${v}>`, toLegacy: (v) => v.length }) };');
    expect(transform.toDomain('a')).toBe('<a>');
    expect(transform.toLegacy('abc')).toBe(3);
    expect(transform.toDomain(null)).toBeNull();
    expect(transform.toLegacy(null)).toBeNull();
  });

  it('may only return a JSON scalar', async () => {
    const transform = await load('export default { compile: () => ({ toDomain: () => ({ a: 1 }), toLegacy: () => Number.NaN }) };');
    expect(() => transform.toDomain('x')).toThrow(TransformError);
    expect(() => transform.toDomain('x')).toThrow(/returned something other than a string/);
    expect(() => transform.toLegacy('x')).toThrow(TransformError);
  });

  it('turns anything thrown into a TransformError carrying its message', async () => {
    const transform = await load(`
      export default { compile: () => ({
        toDomain: () => { throw 'not even an Error'; },
        toLegacy: () => { const error = new Error('kept'); error.name = 'TypeError'; throw error; },
      }) };`);
    expect(() => transform.toDomain('x')).toThrow(new TransformError('custom', 'x', 'not even an Error'));
    expect(() => transform.toLegacy('x')).toThrow(new TransformError('custom', 'x', 'kept'));
  });
});
