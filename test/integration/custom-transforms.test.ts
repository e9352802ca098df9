import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { prepareConfig } from '../../src/gateway.js';
import { writeConfigFixture } from '../support/config-fixture.js';
import { startDemo, type RunningDemo } from '../support/demo.js';

/**
 * Custom transforms registered in gateway.yaml: loaded from their modules, named in mappings like
 * built-ins, run in both directions against the real CRM stub, and refused clearly when wrong.
 */

const modules: Readonly<Record<string, string>> = {
  // Both directions, with an option checked once at load.
  'zero-pad.mjs': `export default {
    compile(option) {
      const width = option?.width;
      if (!Number.isInteger(width) || width < 1) throw new Error('option width must be a positive integer');
      return {
        toDomain: (value) => String(value).replace(/^0+(?=.)/, ''),
        toLegacy: (value) => String(value).padStart(width, '0'),
      };
    },
  };`,
  'initials.mjs': `export default {
    compile: () => ({
      toDomain: (name) => String(name).trim().split(/ +/).map((word) => word[0] + '.').join(' '),
      toLegacy: () => { throw new Error('initials cannot be sent'); },
    }),
  };`,
  // Refuses every e-mail it sees: a nil one never reaches it.
  'no-email.mjs': `export default { compile: () => ({ toDomain: () => { throw new Error('e-mails are not for this route'); }, toLegacy: (v) => v }) };`,
  'not-a-transform.mjs': 'export default { toDomain: (value) => value };',
};

/** A route that reads customer {id} from the CRM, its CustNo through zeroPad both ways. */
const route = (name: string, path: string, output: string, field: string, padOption: string): string => `
  ${name}:
    http: GET ${path}/{id}
    input:
      params: { id: string }
    output: ${output}
    legacy:
      upstream: crm
      operation: GetCustomerDetails
      request:
        CustNo: { from: $params.id, zeroPad: ${padOption} }
      response:
        from: Customer
        fields:
          id: { from: CustNo, zeroPad: ${padOption} }
          ${field}`;

const mapping = (nameTransform: string, padOption = '{ width: 8 }'): string => `
feature: custom
types:
  Initials:
    fields:
      id: string
      name: string
  Mail:
    fields:
      id: string
      email: string?
routes:${route('getInitials', '/initials', 'Initials', `name: { from: CustName, ${nameTransform}: {} }`, padOption)}${route(
  'getMail',
  '/mail',
  'Mail',
  'email: { from: EMail, noEmail: {} }',
  padOption,
)}
`;

function fixture(transforms: Readonly<Record<string, string>>, mappingText = mapping('initials')): string {
  const configPath = writeConfigFixture({
    mappings: { 'custom.yaml': mappingText },
    extra: ['transforms:', ...Object.entries(transforms).map(([name, file]) => `  ${name}: ${file}`)].join('\n'),
  });
  mkdirSync(join(dirname(configPath), 'transforms'));
  for (const [file, text] of Object.entries(modules)) writeFileSync(join(dirname(configPath), 'transforms', file), text);
  return configPath;
}

const registered = { zeroPad: 'transforms/zero-pad.mjs', initials: 'transforms/initials.mjs', noEmail: 'transforms/no-email.mjs' };

describe('custom transforms through the gateway', () => {
  let demo: RunningDemo;
  beforeAll(async () => {
    demo = await startDemo({ configPath: fixture(registered) });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('runs toLegacy on the request and toDomain on the reply', async () => {
    // The stub only knows customer 00000001: the request's CustNo was padded by zeroPad.
    const { status, body } = await demo.call('/initials/1');
    expect(status).toBe(200);
    expect(body).toEqual({ id: '1', name: 'M. V.' });
  });

  it('passes null through without calling the transform', async () => {
    const { status, body } = await demo.call('/mail/2'); // customer 2's e-mail is xsi:nil
    expect(status).toBe(200);
    expect(body).toEqual({ id: '2', email: null });
  });

  it('turns what a transform throws into a clean 502, never a crash', async () => {
    const { status, headers, body } = await demo.call('/mail/1');
    expect(status).toBe(502);
    expect(headers.get('content-type')).toBe('application/problem+json');
    expect(body['type']).toMatch(/bad-upstream-reply$/);
    // The field it failed at, and nothing of the transform's own message or stack.
    expect(body['detail']).toBe('The crm system sent a reply that does not fit the mapping at email.');
  });
});

describe('custom transforms refused at load', () => {
  async function issuesOf(configPath: string): Promise<string[]> {
    try {
      await prepareConfig(configPath);
    } catch (error) {
      if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
      throw error;
    }
    return [];
  }

  it('names a module that does not export a transform, a missing file and a clash with a built-in', async () => {
    const issues = await issuesOf(
      fixture({ ...registered, broken: 'transforms/not-a-transform.mjs', missing: 'transforms/nowhere.mjs', trim: 'transforms/initials.mjs' }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^transforms\.broken: cannot load .*not-a-transform\.mjs: compile: must be a function/),
        expect.stringMatching(/^transforms\.missing: cannot load .*nowhere\.mjs/),
        'transforms.trim: trim is a built-in transform; give the custom transform another name',
      ]),
    );
  });

  it("reports an option the transform's compile() refuses at the field, and an unregistered name", async () => {
    const issues = await issuesOf(fixture(registered, mapping('shout', '{ width: 0 }')));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/getInitials.*zeroPad.*option width must be a positive integer/),
        expect.stringMatching(/name\.shout.*unknown transform 'shout'; known transforms: .*zeroPad, initials, noEmail/),
      ]),
    );
  });

  it('refuses a module that is not JavaScript', async () => {
    const issues = await issuesOf(fixture({ ...registered, typed: 'transforms/typed.ts' }));
    expect(issues).toEqual(expect.arrayContaining([expect.stringMatching(/^transforms\.typed: .*compile a TypeScript one first/)]));
  });
});
