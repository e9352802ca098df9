import { describe, expect, it } from 'vitest';
import { runExamples } from '../../../src/examples/index.js';
import { prepareConfig } from '../../../src/gateway.js';
import { writeConfigFixture } from '../../support/config-fixture.js';

/**
 * The mapping language's less common parts, each proven by an example run through the real
 * route code: the reply side (concat, const, default, attributes, nil, lists from the XSD) and
 * the request side (sequence order, nested fields, constants, nil, object mappings backwards).
 */
const mapping = `
feature: features
types:
  Flat:
    fields:
      label: string
      kind: string
      email: string
      flag: boolean?
      addresses: { type: "Loc[]" }
      firstCity: string?
  Short: { fields: { label: string, addresses: "Loc[]" } }
  Loc: { fields: { city: string, street: string } }
  In: { fields: { street: string, city: string, note: { type: string, optional: true } } }
objects:
  Loc:
    city: CityNm
    street: { from: StreetLn, case: upper }
routes:
  readFlat:
    http: GET /flat/{id}
    input: { params: { id: string } }
    output: Flat
    legacy:
      upstream: crm
      operation: GetCustomerDetails
      request: { CustNo: { from: $params.id, pad: 8 } }
      response:
        from: Customer
        fields:
          label: { concat: [CustNo, CustName], separator: " / " }
          kind: { const: person }
          email: { from: EMail, default: none }
          flag: { from: StatusCd, nullIf: X, boolean: { true: A, false: I } }
          addresses: { from: Addr, use: Loc }
          firstCity: { from: "CustNo.@city" }
    examples:
      - name: reply features
        input: { params: { id: "5" } }
        legacyReply: |
          <GetCustomerDetailsResponse xmlns="urn:acme:crm:v1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
            <Customer>
              <CustNo city="Bonn">00000005</CustNo><CustName>Eve  </CustName><BirthDt>20000101</BirthDt>
              <StatusCd>X</StatusCd><CreditLmt>1.00</CreditLmt><EMail xsi:nil="true"/>
              <Addr><StreetLn>Ring 1</StreetLn><CityNm>Bonn</CityNm><PostCd>1</PostCd><CntryCd>DE</CntryCd></Addr>
            </Customer>
          </GetCustomerDetailsResponse>
        expectRequest: { CustNo: "00000005" }
        expect:
          label: "00000005 / Eve  "
          kind: person
          email: none
          flag: null
          addresses: [{ city: Bonn, street: RING 1 }]
          firstCity: Bonn
  writeNested:
    http: PUT /nested/{id}
    input: { params: { id: string }, body: In }
    output: Short
    legacy:
      upstream: crm
      operation: UpdateCustomerAddress
      request:
        Addr:
          fields:
            CntryCd: DE
            PostCd: { from: $body.note, nil: true }
            CityNm: $body.city
            StreetLn: { from: $body.street, trim: { width: 12 } }
        CustNo: { from: $params.id, pad: 8 }
      response: { from: Customer, fields: { label: CustNo, addresses: { each: Addr, use: Loc } } }
    examples:
      - name: request features
        input: { params: { id: "6" }, body: { street: Ring 2, city: Köln & Bonn } }
        legacyReply: <UpdateCustomerAddressResponse xmlns="urn:acme:crm:v1"><Customer><CustNo>6</CustNo></Customer></UpdateCustomerAddressResponse>
        expectRequest:
          CustNo: "00000006"
          Addr: { StreetLn: "Ring 2      ", CityNm: Köln & Bonn, PostCd: null, CntryCd: DE }
        expect: { label: "6", addresses: [] }
  writeBackwards:
    http: PUT /backwards/{id}
    input: { params: { id: string }, body: Loc }
    output: Short
    legacy:
      upstream: crm
      operation: UpdateCustomerAddress
      request:
        CustNo: { from: $params.id, pad: 8 }
        Addr: { from: $body, use: Loc }
      response: { from: Customer, fields: { label: CustNo, addresses: { each: Addr, use: Loc } } }
    examples:
      - name: an object mapping used backwards
        input: { params: { id: "7" }, body: { city: Bonn, street: ring 3 } }
        legacyReply: <UpdateCustomerAddressResponse xmlns="urn:acme:crm:v1"><Customer><CustNo>7</CustNo></Customer></UpdateCustomerAddressResponse>
        expectRequest: { Addr: { StreetLn: RING 3, CityNm: Bonn } }
`;

const prepared = await prepareConfig(writeConfigFixture({ mappings: { 'features.yaml': mapping } }));
const results = await runExamples(prepared.mappings.routes, { limits: prepared.xmlLimits, problemTypeBase: 'urn:x:' });

describe('mapping language features', () => {
  it('runs every example written above (none dropped at compile)', () => {
    expect(results.map((result) => result.example.name)).toEqual(['reply features', 'request features', 'an object mapping used backwards']);
  });

  for (const result of results) {
    it(result.example.name, () => {
      expect(result.failures).toEqual([]);
    });
  }

  it('writes request elements in the WSDL sequence order, whatever order the mapping uses', async () => {
    const route = prepared.mappings.routes.find((candidate) => candidate.id === 'features.writeNested')!;
    const body = route.legacy.buildRequest({ params: { id: '6' }, query: {}, body: { street: 'a', city: 'b' } });
    expect(body.children?.map((child) => child.name)).toEqual(['CustNo', 'Addr']);
    expect(body.children?.[1]?.children?.map((child) => child.name)).toEqual(['StreetLn', 'CityNm', 'PostCd', 'CntryCd']);
  });

  it('refuses a request value its transform cannot express, naming the input field', async () => {
    const route = prepared.mappings.routes.find((candidate) => candidate.id === 'features.writeNested')!;
    expect(() => route.legacy.buildRequest({ params: { id: '123456789' }, query: {}, body: { street: 'a', city: 'b' } })).toThrow(/params\.id/);
    expect(() => route.legacy.buildRequest({ params: { id: '1' }, query: {}, body: { street: 'much too long street', city: 'b' } })).toThrow(/body\.street/);
  });
});
