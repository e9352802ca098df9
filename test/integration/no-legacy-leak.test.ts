import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementShape } from '../../src/soap/index.js';
import { startDemo, type RunningDemo } from '../support/demo.js';

/**
 * The anti-corruption promise: whatever a client receives carries no legacy element name,
 * namespace, prefix, code, padding or date format. Legacy names come from the WSDLs themselves.
 */
let demo: RunningDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.close();
});

const requests: Array<[string, RequestInit?]> = [
  ...['1', '2', '3', '7', '15', '23', '42', '77', '99999999', 'abc'].map((id): [string] => [`/customers/${id}`]),
  ...['1', '2', '3', '42', '77'].map((id): [string] => [`/customers/${id}/policies`]),
  ...['P-000123', 'P-000124', 'P-000125', 'P-000200', 'P-000420', 'P-999998', 'P-999999', 'X'].map((no): [string] => [`/policies/${no}`]),
  ['/customers?name=*'],
  ['/customers?name=*e*&limit=3'],
  ['/customers?limit=0'],
  [
    '/customers/2/address',
    { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ street: 'Ring 1', city: 'Bonn', postalCode: '53111', country: 'DE' }) },
  ],
  ['/customers/77/address', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ street: 'Ring 1', city: 'Bonn', postalCode: '53111', country: 'DE' }) }],
];

function legacyElementNames(shape: ElementShape, names: Set<string>): Set<string> {
  names.add(shape.name);
  for (const child of shape.children?.values() ?? []) legacyElementNames(child, names);
  return names;
}

function collect(value: unknown, keys: string[], strings: string[]): void {
  if (Array.isArray(value)) value.forEach((item) => collect(item, keys, strings));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      keys.push(key);
      collect(item, keys, strings);
    }
  } else if (typeof value === 'string') strings.push(value);
}

describe('no legacy leak', () => {
  it('keeps legacy names, namespaces, codes and formats out of every answer and problem', async () => {
    const legacyNames = new Set<string>();
    for (const contract of demo.gateway.config.contracts.values()) {
      for (const operation of contract.operations.values()) {
        legacyElementNames(operation.input, legacyNames);
        legacyElementNames(operation.output, legacyNames);
      }
    }
    legacyNames.add('CrmFault').add('ErrorCd').add('PolicyError');
    const keys: string[] = [];
    const strings: string[] = [];
    const bodies: string[] = [];
    for (const [path, init] of requests) {
      const response = await fetch(demo.gateway.domainUrl + path, init);
      const text = await response.text();
      bodies.push(text);
      collect(JSON.parse(text), keys, strings);
    }
    expect(keys.length).toBeGreaterThan(100);

    for (const key of keys) expect(legacyNames.has(key), `legacy name as a key: ${key}`).toBe(false);
    for (const text of bodies) {
      expect(text).not.toMatch(/urn:acme|schemas\.xmlsoap\.org|w3\.org\/2003\/05|\b(soap|env|crm|pol|xsi|ns\d):/);
      expect(text).not.toMatch(/CUST_NOT_FOUND|SYSTEM_BUSY|E404|E503|PolicyNotFound|CUSTMAST|POLMAST|faultstring|Sender|Receiver/);
      for (const name of legacyNames) expect(text.includes(`"${name}"`), `legacy name ${name} in ${text}`).toBe(false);
    }
    for (const value of strings) {
      expect(value, 'space padding').toBe(value.trim());
      expect(value, 'zero-padded number').not.toMatch(/^0{2,}\d+$/);
      expect(value, 'legacy date').not.toMatch(/^\d{8}$/);
      expect(['A', 'I', 'X', 'HM', 'MT', 'LF', 'IF', 'LP', 'CN'], 'legacy code').not.toContain(value);
    }
  });
});
