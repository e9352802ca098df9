import { describe, expect, it } from 'vitest';
import { runExamples } from '../../src/examples/index.js';
import { prepareConfig } from '../../src/gateway.js';

/** Every example written in the demo's mapping files, run offline through the real route code. */
const prepared = await prepareConfig('gateway.yaml');
const results = await runExamples(prepared.mappings.routes, {
  limits: prepared.xmlLimits,
  problemTypeBase: prepared.loaded.gateway.problemTypeBase,
});

describe('demo mapping examples', () => {
  it('every route has at least one example', () => {
    const without = prepared.mappings.routes.filter((route) => route.examples.length === 0).map((route) => route.id);
    expect(without).toEqual([]);
  });

  for (const result of results) {
    it(`${result.route}: ${result.example.name}`, () => {
      expect(result.failures).toEqual([]);
    });
  }
});

describe('the example runner', () => {
  it('reports a wrong expectation, a wrong request and an unexpected problem', async () => {
    const route = prepared.mappings.routes.find((candidate) => candidate.id === 'customers.getCustomer')!;
    const [first] = route.examples;
    const broken = {
      ...route,
      examples: [
        { ...first!, expect: { name: 'Someone Else' }, expectRequest: { CustNo: '1' } },
        { ...first!, name: 'fault', reply: route.examples[2]!.reply, replyStatus: 500, expectProblem: undefined, expectRequest: undefined },
      ],
    };
    const [wrong, fault] = await runExamples([broken], { limits: prepared.xmlLimits, problemTypeBase: 'urn:x:' });
    expect(wrong!.failures).toEqual([
      'answer name: expected "Someone Else", got "Margarethe Vogelsang"',
      'request CustNo: expected "1", got "00000001"',
    ]);
    expect(fault!.failures).toEqual([expect.stringMatching(/^expected an answer, got problem customer-not-found \(404\)/)]);
  });
});
