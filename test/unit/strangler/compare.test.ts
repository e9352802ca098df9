import { describe, expect, it } from 'vitest';
import { compileComparison } from '../../../src/strangler/compare.js';
import { ShadowReport } from '../../../src/strangler/shadow-report.js';

const legacy = {
  id: '1',
  name: 'Margarethe  Vogelsang',
  email: 'm.vogelsang@example.de',
  creditLimit: '250.50',
  fetchedAt: '2026-01-01T00:00:00Z',
  addresses: [
    { street: 'Königsbrücker Straße 12', city: 'Dresden' },
    { street: 'Mariahilfer Straße 45', city: 'Wien' },
  ],
};
const modern = {
  ...legacy,
  name: 'Margarethe Vogelsang',
  email: 'M.Vogelsang@example.de',
  creditLimit: '250.5',
  fetchedAt: '2026-01-01T00:00:01Z',
  addresses: [legacy.addresses[0], { street: 'Mariahilferstraße 45', city: 'Wien' }],
};

describe('shadow comparison in the domain model', () => {
  it('reports each differing field by JSON pointer', () => {
    const comparison = compileComparison({ ignore: [], normalize: {}, redact: [] });
    expect(comparison.diff(legacy, modern).map((difference) => difference.path)).toEqual([
      '/name',
      '/email',
      '/creditLimit',
      '/fetchedAt',
      '/addresses/1/street',
    ]);
  });

  it('ignores volatile fields and applies normalizers', () => {
    const comparison = compileComparison({
      ignore: ['/fetchedAt'],
      normalize: { '/email': ['lowercase'], '/name': ['collapse-whitespace'], '/creditLimit': [{ decimalScale: 2 }] },
      redact: [],
    });
    expect(comparison.diff(legacy, modern)).toEqual([{ path: '/addresses/1/street', primary: 'Mariahilfer Straße 45', secondary: 'Mariahilferstraße 45' }]);
  });

  it('ignores a whole list item field with a wildcard, and reports list length differences', () => {
    const comparison = compileComparison({ ignore: ['/addresses/*/street'], normalize: {}, redact: [] });
    expect(comparison.diff({ addresses: legacy.addresses }, { addresses: modern.addresses })).toEqual([]);
    expect(comparison.diff({ addresses: legacy.addresses }, { addresses: [legacy.addresses[0]] }).map((difference) => difference.path)).toEqual([
      '/addresses/1',
    ]);
  });

  it('distinguishes null from a missing field and from a string', () => {
    const comparison = compileComparison({ ignore: [], normalize: {}, redact: [] });
    expect(comparison.diff({ email: null }, { email: 'x' })).toHaveLength(1);
    expect(comparison.diff({ email: null }, {})).toHaveLength(1);
    expect(comparison.diff({ count: 1 }, { count: '1' })).toHaveLength(1);
  });

  it('keeps bounded samples with PII redacted and counts paths across list items', () => {
    const comparison = compileComparison({ ignore: [], normalize: {}, redact: ['/email', '/params/id'] });
    const report = new ShadowReport(comparison, 2);
    for (let index = 0; index < 5; index++) {
      report.recordMismatch(comparison.diff(legacy, modern), { requestId: `r${index}`, primary: 'legacy', input: { params: { id: '1' }, query: {} } });
    }
    report.recordMatch();
    report.recordSkip();
    const snapshot = report.snapshot();
    expect(snapshot).toMatchObject({ matched: 1, mismatched: 5, skipped: 1, secondaryFailed: 0, mismatchRate: 5 / 6 });
    expect(snapshot.recentMismatches.map((sample) => sample.requestId)).toEqual(['r4', 'r3']);
    const sample = snapshot.recentMismatches[0]!;
    expect(sample.input.params).toEqual({ id: '[redacted]' });
    expect(sample.differences.find((difference) => difference.path === '/email')).toEqual({ path: '/email', primary: '[redacted]', secondary: '[redacted]' });
    expect(JSON.stringify(snapshot)).not.toContain('vogelsang@');
    expect(snapshot.topDifferingPaths).toContainEqual({ path: '/addresses/*/street', count: 5 });
  });
});
