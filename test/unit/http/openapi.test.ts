import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { prepareConfig } from '../../../src/gateway.js';
import { apiReference } from '../../../src/http/api-reference.js';
import { buildOpenApiDocument, type JsonSchema, type OpenApiDocument, type OpenApiOperation } from '../../../src/http/openapi.js';
import { writeConfigFixture } from '../../support/config-fixture.js';

const demo = await prepareConfig('gateway.yaml');
const problemTypeBase = demo.loaded.gateway.problemTypeBase;
const document = buildOpenApiDocument(demo.mappings.routes, { problemTypeBase });
const validator = new Validator();

function operation(doc: OpenApiDocument, path: string, method: 'get' | 'put'): OpenApiOperation {
  const found = doc.paths[path]?.[method];
  if (!found) throw new Error(`no ${method} ${path} in the document`);
  return found;
}

function problemTypes(op: OpenApiOperation, status: string): unknown {
  const schema = op.responses[status]?.content?.['application/problem+json']?.schema as { allOf: JsonSchema[] };
  return (schema.allOf[1] as { properties: { type: { enum: string[] } } }).properties.type.enum;
}

describe('the OpenAPI document of the demo', () => {
  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(await validator.validate(JSON.parse(JSON.stringify(document)) as Record<string, unknown>)).toEqual({ valid: true });
  });

  it('has every route, with its path parameters', () => {
    expect(demo.mappings.routes.length).toBe(5);
    for (const route of demo.mappings.routes) {
      const op = operation(document, route.path, route.method.toLowerCase() as 'get' | 'put');
      expect(op.operationId).toBe(route.id);
      expect(op.tags).toEqual([route.feature]);
      expect(op.summary).toBe(route.summary);
      const pathParams = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      expect(op.parameters?.filter((param) => param.in === 'path').map((param) => param.name)).toEqual(pathParams);
      expect(op.parameters?.filter((param) => param.in === 'path').every((param) => param.required)).toBe(true);
    }
  });

  it('describes parameters as the typed values they stand for', () => {
    const getCustomer = operation(document, '/customers/{id}', 'get');
    expect(getCustomer.parameters).toEqual([
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'A customer number, without leading zeros.',
        schema: { $ref: '#/components/schemas/CustomerId' },
      },
    ]);
    const search = operation(document, '/customers', 'get');
    expect(search.parameters).toEqual([
      expect.objectContaining({ name: 'name', in: 'query', required: true, schema: expect.objectContaining({ type: 'string', minLength: 1, maxLength: 40 }) }),
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
    ]);
  });

  it('gives the body and the answer their declared types', () => {
    const update = operation(document, '/customers/{id}/address', 'put');
    expect(update.requestBody).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Address' } } } });
    expect(update.responses['200']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Customer' });
    const policies = operation(document, '/customers/{id}/policies', 'get');
    expect(policies.responses['200']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/PolicyList' });
  });

  it('names each declared type once, as JSON Schema that keeps the domain rules', () => {
    const { schemas } = document.components;
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(['Address', 'Customer', 'CustomerId', 'CustomerList', 'Money', 'Policy', 'PolicyList', 'PolicyNumber']),
    );
    expect(Object.keys(schemas).filter((name) => /Input|Parameter/.test(name))).toEqual([]);
    const customer = schemas['Customer'] as { properties: Record<string, JsonSchema>; required: string[]; additionalProperties: boolean };
    expect(customer.required).toEqual(['id', 'name', 'email', 'birthDate', 'status', 'creditLimit', 'addresses']);
    expect(customer.properties['id']).toEqual({ $ref: '#/components/schemas/CustomerId' });
    expect(customer.properties['email']).toEqual({ type: ['string', 'null'] });
    expect(customer.properties['birthDate']).toEqual({ type: 'string', format: 'date' });
    expect(customer.properties['status']).toMatchObject({ type: 'string', enum: ['active', 'inactive', 'closed'] });
    expect(customer.properties['creditLimit']).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(customer.properties['addresses']).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Address' } });
    expect(schemas['Address']).toMatchObject({ additionalProperties: false, description: 'A postal address.' });
  });

  it('lists every problem a route can answer with, by status, as problem+json with its type URIs', () => {
    const getCustomer = operation(document, '/customers/{id}', 'get');
    expect(Object.keys(getCustomer.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '500', '502', '503', '504']));
    expect(problemTypes(getCustomer, '404')).toEqual([`${problemTypeBase}customer-not-found`]);
    expect(problemTypes(getCustomer, '503')).toEqual([`${problemTypeBase}backend-busy`, `${problemTypeBase}upstream-unavailable`]);
    expect(problemTypes(getCustomer, '502')).toEqual(['upstream-fault', 'bad-upstream-reply', 'upstream-unreachable'].map((slug) => problemTypeBase + slug));
    expect(problemTypes(getCustomer, '504')).toEqual([`${problemTypeBase}upstream-timeout`]);
    expect(getCustomer.responses['503']?.headers).toHaveProperty('Retry-After');
    expect(getCustomer.responses['404']?.headers).not.toHaveProperty('Retry-After');
    expect(getCustomer.responses['404']?.description).toBe('- `customer-not-found`: Customer not found');
    const invalid = getCustomer.responses['400']?.content?.['application/problem+json']?.schema as { allOf: JsonSchema[] };
    expect(invalid.allOf[0]).toEqual({ $ref: '#/components/schemas/ValidationProblem' });

    const getPolicy = operation(document, '/policies/{policyNumber}', 'get');
    expect(problemTypes(getPolicy, '404')).toEqual([`${problemTypeBase}policy-not-found`]);
    // Only routes with a body can be refused for it.
    expect(getPolicy.responses).not.toHaveProperty('413');
    const update = operation(document, '/customers/{id}/address', 'put');
    expect(problemTypes(update, '413')).toEqual([`${problemTypeBase}payload-too-large`]);
    expect(problemTypes(update, '415')).toEqual([`${problemTypeBase}unsupported-media-type`]);
  });
});

describe('the document of less common declarations', () => {
  const mapping = `
feature: shapes
types:
  Node: { description: A tree, fields: { id: string, children: "Node[]" } }
  Thing: { fields: { name: string, size: { type: integer, default: 1 } } }
  Holder: { fields: { thing: Thing, note: { type: string, optional: true } } }
  Count: { type: integer, minimum: 2, example: 3 }
faults:
  detailCode: CrmFault.ErrorCd
  rules:
    - { when: { detail: TAKEN }, status: 409, type: "https://errors.example/conflict", title: Already taken }
routes:
  tree:
    http: GET /trees/{id}
    input:
      params: { id: { type: integer, minimum: 1 } }
      query:
        deep: boolean
        since: { type: date, optional: true }
        count: { type: Count, optional: true }
        tags: { type: "string[]", optional: true }
    output: Node
    legacy:
      upstream: crm
      operation: GetCustomerDetails
      request: { CustNo: { from: $params.id, integer: true } }
      response: { from: Customer, fields: { id: CustNo, children: { each: Addr, fields: { id: CityNm } } } }
  hold:
    http: PUT /holders/{id}
    status: 201
    input: { params: { id: string }, body: Holder }
    output: Holder
    legacy:
      upstream: crm
      operation: UpdateCustomerAddress
      request: { CustNo: $params.id, Addr: { fields: { StreetLn: $body.thing.name } } }
      response: { from: Customer, fields: { thing: { fields: { name: CustName, size: { const: 1 } } } } }
`;

  it('is valid, with recursive types, split input and output types and coerced parameters', async () => {
    const prepared = await prepareConfig(writeConfigFixture({ mappings: { 'shapes.yaml': mapping } }));
    const doc = buildOpenApiDocument(prepared.mappings.routes, { problemTypeBase: 'urn:test:', title: 'Shapes', version: '2.0.0' });
    expect(await validator.validate(JSON.parse(JSON.stringify(doc)) as Record<string, unknown>)).toEqual({ valid: true });
    expect(doc.info).toMatchObject({ title: 'Shapes', version: '2.0.0' });

    const { schemas } = doc.components;
    expect(schemas['Node']).toMatchObject({
      description: 'A tree',
      properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } },
    });
    // A default makes a field optional to send but always present in the answer.
    expect(schemas['Thing']).toMatchObject({ required: ['name', 'size'] });
    expect(schemas['ThingInput']).toMatchObject({ required: ['name'], properties: { size: { type: 'integer', default: 1 } } });
    expect(schemas['HolderInput']).toMatchObject({ properties: { thing: { $ref: '#/components/schemas/ThingInput' } } });
    expect(schemas['Holder']).toMatchObject({ properties: { thing: { $ref: '#/components/schemas/Thing' } } });

    const tree = operation(doc, '/trees/{id}', 'get');
    expect(tree.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: expect.objectContaining({ type: 'integer', minimum: 1 }) },
      { name: 'deep', in: 'query', required: true, schema: { type: 'boolean' } },
      { name: 'since', in: 'query', required: false, schema: { type: 'string', format: 'date' } },
      { name: 'count', in: 'query', required: false, schema: { $ref: '#/components/schemas/Count' } },
      { name: 'tags', in: 'query', required: false, schema: { type: 'array', items: { type: 'string' } } },
    ]);
    expect(schemas['Count']).toMatchObject({ type: 'integer', minimum: 2, examples: [3] });
    expect(problemTypes(tree, '409')).toEqual(['https://errors.example/conflict']);

    const hold = operation(doc, '/holders/{id}', 'put');
    expect(Object.keys(hold.responses)[0]).toBe('201');
    expect(hold.requestBody?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/HolderInput' });
    expect(hold.responses['201']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Holder' });
  });
});

describe('GET /openapi.json and GET /docs', () => {
  const app = apiReference({ document: () => document });

  it('serves the document as JSON', async () => {
    const response = await app.request('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('builds the document once, on the first request for it', async () => {
    let builds = 0;
    const counted = apiReference({
      document: () => {
        builds++;
        return document;
      },
    });
    expect(builds).toBe(0);
    for (let i = 0; i < 3; i++) expect((await counted.request('/openapi.json')).status).toBe(200);
    expect(builds).toBe(1);
  });

  it('serves the reference page with its assets from the installed package, by relative URLs', async () => {
    const page = await (await app.request('/docs')).text();
    expect(page).toContain("url: 'openapi.json'");
    expect(page).toContain('src="docs/swagger-ui-dist/swagger-ui-bundle.js"');
    expect(page).toContain('href="docs/swagger-ui-dist/swagger-ui.css"');
    expect(page).not.toMatch(/https?:\/\//);
    const script = await app.request('/docs/swagger-ui-dist/swagger-ui-bundle.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
    expect((await app.request('/docs/swagger-ui-dist/swagger-ui.css')).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await app.request('/docs/swagger-ui-dist/package.json')).status).toBe(404);
    expect((await app.request('/docs/swagger-ui-dist/constructor')).status).toBe(404);
  });
});
