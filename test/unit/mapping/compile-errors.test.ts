import { describe, expect, it } from 'vitest';
import { formatIssue, isConfigError } from '../../../src/config/index.js';
import { prepareConfig } from '../../../src/gateway.js';
import { writeConfigFixture } from '../../support/config-fixture.js';

/** Mapping mistakes are caught at load, all at once, each as `file:path: message`. */
async function problemsOf(mapping: string): Promise<string[]> {
  try {
    await prepareConfig(writeConfigFixture({ mappings: { 'feature.yaml': mapping } }));
  } catch (error) {
    if (!isConfigError(error)) throw error;
    return error.issues.map((issue) => formatIssue(issue).replace(/^.*mappings\//, 'mappings/'));
  }
  return [];
}

const validRoute = `
feature: things
types:
  Thing: { fields: { id: string, name: string } }
routes:
  getThing:
    http: GET /things/{id}
    input: { params: { id: string } }
    output: Thing
    legacy:
      upstream: crm
      operation: GetCustomerDetails
      request: { CustNo: $params.id }
      response: { from: Customer, fields: { id: CustNo, name: { from: CustName, trim: true } } }
`;

describe('compiling mappings', () => {
  it('accepts a valid mapping', async () => {
    expect(await problemsOf(validRoute)).toEqual([]);
  });

  it('reports an unknown operation with the operations the WSDL has', async () => {
    const problems = await problemsOf(validRoute.replace('GetCustomerDetails', 'GetCustomer'));
    expect(problems).toEqual([
      expect.stringMatching(/^mappings\/feature\.yaml:routes\.getThing\.legacy\.operation: .*has no operation GetCustomer \(it has: GetCustomerDetails, SearchCustomers, UpdateCustomerAddress\)$/),
    ]);
  });

  it('reports an unknown upstream', async () => {
    expect(await problemsOf(validRoute.replace('upstream: crm', 'upstream: erp'))).toEqual([
      'mappings/feature.yaml:routes.getThing.legacy.upstream: no SOAP upstream (one with a wsdl) named erp in gateway.yaml (known: crm, policy)',
    ]);
  });

  it('reports paths that do not exist in the WSDL, naming the elements that do', async () => {
    const problems = await problemsOf(validRoute.replace('name: { from: CustName', 'name: { from: CustomerName'));
    expect(problems).toEqual([
      expect.stringMatching(
        /routes\.getThing\.legacy\.response\.fields\.name\.from: \w+ has no element CustomerName \(its elements: CustNo, CustName, BirthDt, StatusCd, CreditLmt, EMail, Addr\)$/,
      ),
    ]);
  });

  it('reports request elements the operation does not have', async () => {
    const problems = await problemsOf(validRoute.replace('request: { CustNo: $params.id }', 'request: { CustomerNo: $params.id }'));
    expect(problems).toEqual([expect.stringMatching(/request\.CustomerNo: GetCustomerDetails has no element CustomerNo \(its elements: CustNo\)$/)]);
  });

  it('reports undeclared sources, types and transforms, and bad transform options, all at once', async () => {
    const broken = validRoute
      .replace('request: { CustNo: $params.id }', 'request: { CustNo: $params.number }')
      .replace('output: Thing', 'output: Thingy')
      .replace('trim: true', 'trim: true, shout: true')
      .replace('id: CustNo', 'id: { from: CustNo, pad: { length: 8, with: "00" } }');
    const problems = await problemsOf(broken);
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/routes\.getThing\.output: unknown type "Thingy"/),
        expect.stringMatching(/routes\.getThing\.legacy\.request\.CustNo\.from: \$params\.number: the route declares no input\.params\.number \(declared: id\)/),
        expect.stringMatching(/routes\.getThing\.legacy\.response\.fields\.name\.shout: unknown transform 'shout'/),
        expect.stringMatching(/routes\.getThing\.legacy\.response\.fields\.id\.pad\.with: /),
      ]),
    );
  });

  it('reports structural errors with their YAML path', async () => {
    const problems = await problemsOf(validRoute.replace('http: GET /things/{id}', 'http: FETCH /things/{id}'));
    expect(problems).toEqual([expect.stringMatching(/^mappings\/feature\.yaml:routes\.getThing\.http: write METHOD \/path/)]);
  });

  it('reports a path parameter that is not declared, and one that is not in the path', async () => {
    const problems = await problemsOf(validRoute.replace('http: GET /things/{id}', 'http: GET /things/{thingId}'));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/routes\.getThing\.http: \{thingId\} is not declared under input\.params/),
        expect.stringMatching(/routes\.getThing\.input\.params\.id: the path \/things\/\{thingId\} has no \{id\}/),
      ]),
    );
  });

  it('reports YAML syntax errors with a line', async () => {
    const problems = await problemsOf('feature: things\nroutes: [\n');
    expect(problems[0]).toMatch(/^mappings\/feature\.yaml:line \d+: /);
  });

  it('reports a type declared in two files', async () => {
    try {
      await prepareConfig(writeConfigFixture({ mappings: { 'a.yaml': validRoute, 'b.yaml': validRoute.replace('feature: things', 'feature: others').replace('GET /things', 'GET /others') } }));
      expect.unreachable();
    } catch (error) {
      if (!isConfigError(error)) throw error;
      expect(error.issues.map(formatIssue)).toEqual(
        expect.arrayContaining([expect.stringMatching(/b\.yaml:types\.Thing: Thing is already declared in .*a\.yaml$/)]),
      );
    }
  });

  it('reports two routes on the same method and path', async () => {
    const twice = validRoute + validRoute.split('routes:\n')[1]!.replace('getThing:', 'getThingAgain:');
    const problems = await problemsOf(twice);
    expect(problems).toEqual([expect.stringMatching(/routes\.getThingAgain\.http: GET \/things\/\{id\} is already served by things\.getThing/)]);
  });

  it('refuses a non-injective code table', async () => {
    const problems = await problemsOf(validRoute.replace('name: { from: CustName, trim: true }', 'name: { from: StatusCd, codes: { A: open, I: open } }'));
    expect(problems).toEqual([expect.stringMatching(/response\.fields\.name\.codes/)]);
  });
});
