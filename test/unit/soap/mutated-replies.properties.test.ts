import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareConfig, type PreparedConfig } from '../../../src/gateway.js';
import { executeRoute, type RouteDependencies } from '../../../src/http/index.js';
import type { CompiledExample, CompiledRoute } from '../../../src/mapping/index.js';
import { isGatewayError } from '../../../src/problem/index.js';
import { isSoapEnvelopeError, isXmlError, readEnvelope } from '../../../src/soap/index.js';

/**
 * Mutation testing of the reply path: the demo's real replies (each mapping example's legacy
 * reply), broken by random byte flips, cuts, duplications and hostile insertions, go through the
 * reply parser and through the whole route. Whatever arrives, the outcome is an answer or a clean
 * problem (never a crash, never 500, and a 5xx only as 502/503/504), quickly.
 */
let config: PreparedConfig;
let samples: Array<{ route: CompiledRoute; example: CompiledExample }>;

beforeAll(async () => {
  config = await prepareConfig('gateway.yaml');
  samples = config.mappings.routes.flatMap((route) => route.examples.map((example) => ({ route, example })));
});

const hostileTokens = [
  '<!DOCTYPE x [<!ENTITY a "b">]>', '&a;', '&#0;', '&#x110000;', '&#xD800;', '&#65;'.repeat(50), '<', '>', '&', ']]>', '<![CDATA[',
  '<!--', '-->', '<?xml version="1.0"?>', 'xmlns:soap="urn:evil"', 'xmlns="urn:evil"', '<__proto__>', '</__proto__>', '<constructor/>',
  '<__proto__><polluted>yes</polluted></__proto__>', '<constructor><prototype><polluted>yes</polluted></prototype></constructor>',
  'xsi:nil="true"', '<soap:Fault><faultcode>soap:Server</faultcode></soap:Fault>', '\u0000', '\uFFFE', '\uD800', '<a>'.repeat(100),
];

type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'truncate'; at: number };

const at = fc.nat({ max: 1_000_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at, text: fc.oneof(fc.constantFrom(...hostileTokens), fc.string({ maxLength: 20 })) }),
  fc.record({ kind: fc.constant('duplicate' as const), at, length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at }),
);

function mutate(reply: Buffer, mutations: readonly Mutation[]): Buffer {
  let bytes = reply;
  for (const change of mutations) {
    const position = bytes.length === 0 ? 0 : change.at % bytes.length;
    switch (change.kind) {
      case 'flip':
        bytes = Buffer.from(bytes);
        if (bytes.length > 0) bytes[position] = change.byte;
        break;
      case 'delete':
        bytes = Buffer.concat([bytes.subarray(0, position), bytes.subarray(position + change.length)]);
        break;
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, position), Buffer.from(change.text), bytes.subarray(position)]);
        break;
      case 'duplicate':
        bytes = Buffer.concat([bytes.subarray(0, position + change.length), bytes.subarray(position)]);
        break;
      case 'truncate':
        bytes = bytes.subarray(0, position);
        break;
    }
  }
  return bytes;
}

const sample = () => fc.nat().map((index) => samples[index % samples.length]!);
const mutations = fc.array(mutation, { minLength: 1, maxLength: 6 });

describe('mutated demo replies', () => {
  it('the reply parser gives an envelope or a refusal, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(sample(), mutations, async ({ route, example }, changes) => {
        const reply = mutate(Buffer.from(example.reply), changes);
        try {
          await readEnvelope(reply, route.legacy.operation.soapVersion, config.xmlLimits).complete();
        } catch (error) {
          expect(isXmlError(error) || isSoapEnvelopeError(error), String(error)).toBe(true);
        }
      }),
      { numRuns: 1_500 },
    );
  });

  it('a whole route answers, or fails with a clean problem (no 500; 5xx only 502/503/504), quickly', async () => {
    await fc.assert(
      fc.asyncProperty(sample(), mutations, fc.constantFrom(200, 500), async ({ route, example }, changes, status) => {
        const reply = mutate(Buffer.from(example.reply), changes);
        const dependencies: RouteDependencies = {
          limits: config.xmlLimits,
          sendTo: () => async () => ({ status, headers: {}, body: reply, endpoint: 'mutated' }),
        };
        const raw = { params: example.input.params ?? {}, query: example.input.query ?? {}, body: example.input.body };
        const started = performance.now();
        try {
          await executeRoute(route, raw, dependencies, AbortSignal.timeout(5_000));
        } catch (error) {
          expect(isGatewayError(error), String(error)).toBe(true);
          if (!isGatewayError(error)) return;
          expect(error.status).not.toBe(500);
          if (error.status >= 500) expect([502, 503, 504]).toContain(error.status);
        }
        expect(performance.now() - started).toBeLessThan(1_000);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 1_000 },
    );
  });
});
