/**
 * Contract of the demo's legacy SOAP stubs: what goes over the wire (checked byte-wise with raw
 * HTTP), and that a standard SOAP client (node-soap) can use them from their WSDLs.
 */
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { isAbsolute } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  customerWsdlPath,
  policyWsdlPath,
  startCustomerStub,
  startPolicyStub,
  type RunningStub,
} from '../../legacy-stubs/index.js';

const SOAP11_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12_ENV = 'http://www.w3.org/2003/05/soap-envelope';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const CRM_NS = 'urn:acme:crm:v1';
const POLICY_NS = 'urn:acme:policy:v2';

interface RawReply {
  status: number;
  contentType: string | null;
  xml: string;
}

/** POSTs a SOAP 1.1 request the way a hand-written legacy client would. Bodies are literal XML. */
async function post11(stub: RunningStub, operation: string, body: string): Promise<RawReply> {
  const response = await fetch(stub.url, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${CRM_NS}/${operation}"` },
    body: `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11_ENV}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`,
  });
  return { status: response.status, contentType: response.headers.get('content-type'), xml: await response.text() };
}

/** POSTs a SOAP 1.2 request: the action travels as a parameter of the Content-Type. */
async function post12(stub: RunningStub, operation: string, body: string): Promise<RawReply> {
  const response = await fetch(stub.url, {
    method: 'POST',
    headers: { 'content-type': `application/soap+xml; charset=utf-8; action="${POLICY_NS}#${operation}"` },
    body: `<?xml version="1.0" encoding="utf-8"?><e:Envelope xmlns:e="${SOAP12_ENV}"><e:Body>${body}</e:Body></e:Envelope>`,
  });
  return { status: response.status, contentType: response.headers.get('content-type'), xml: await response.text() };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  removeNSPrefix: true,
  isArray: (name) => ['Addr', 'Customer', 'Policy'].includes(name),
});

/**
 * What `path` (element names, attribute keys, list positions) leads to in parsed XML; fails the
 * test with the path when a step is missing. The assertions then check what they find.
 */
function at(node: unknown, ...path: readonly (string | number)[]): unknown {
  let current = node;
  for (const [index, step] of path.entries()) {
    const next = typeof current === 'object' && current !== null ? (current as Record<string | number, unknown>)[step] : undefined;
    if (next === undefined) throw new Error(`nothing at ${path.slice(0, index + 1).join('.')}`);
    current = next;
  }
  return current;
}

/** The SOAP Body's content, prefixes removed, every text kept as the exact string sent. */
function body(xml: string): unknown {
  return at(parser.parse(xml), 'Envelope', 'Body');
}

/** The namespace URI of the first element with this local name (the documents bind each prefix once). */
function namespaceOf(xml: string, localName: string): string | undefined {
  const tag = new RegExp(`<(?:([A-Za-z_][\\w.-]*):)?${localName}[\\s/>]`).exec(xml);
  if (tag === null) return undefined;
  const declaration = tag[1] === undefined ? /\sxmlns="([^"]*)"/ : new RegExp(`\\sxmlns:${tag[1]}="([^"]*)"`);
  return declaration.exec(xml)?.[1];
}

/** The namespace a prefix is bound to (the documents bind each prefix once). */
function prefixNamespace(xml: string, prefix: string): string | undefined {
  return new RegExp(`\\sxmlns:${prefix}="([^"]*)"`).exec(xml)?.[1];
}

/** The exact text of every `<Local>` element, whatever its prefix. */
function texts(xml: string, localName: string): string[] {
  const pattern = new RegExp(`<(?:[\\w.-]+:)?${localName}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${localName}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => match[1] ?? '');
}

function custNos(xml: string): string[] {
  return texts(xml, 'CustNo');
}

const getCustomer = (custNo: string) => `<GetCustomerDetails xmlns="${CRM_NS}"><CustNo>${custNo}</CustNo></GetCustomerDetails>`;
const search = (pattern: string, maxRows: number) =>
  `<SearchCustomers xmlns="${CRM_NS}"><NamePattern>${pattern}</NamePattern><MaxRows>${maxRows}</MaxRows></SearchCustomers>`;
const updateAddress = (custNo: string, addr: string) =>
  `<UpdateCustomerAddress xmlns="${CRM_NS}"><CustNo>${custNo}</CustNo>${addr}</UpdateCustomerAddress>`;
const getPolicy = (policyNo: string) => `<GetPolicy xmlns="${POLICY_NS}"><PolicyNo>${policyNo}</PolicyNo></GetPolicy>`;
const listPolicies = (holderNo: string) =>
  `<ListPoliciesForCustomer xmlns="${POLICY_NS}"><HolderNo>${holderNo}</HolderNo></ListPoliciesForCustomer>`;

function expectCrmFault(reply: RawReply, faultcode: 'Client' | 'Server', errorCd: string): void {
  expect(reply.status).toBe(500);
  expect(reply.contentType).toBe('text/xml; charset=utf-8');
  expect(namespaceOf(reply.xml, 'Envelope')).toBe(SOAP11_ENV);
  expect(namespaceOf(reply.xml, 'Fault')).toBe(SOAP11_ENV);
  const fault = at(body(reply.xml), 'Fault');
  expect(at(fault, 'faultcode')).toBe(`soap:${faultcode}`);
  expect(prefixNamespace(reply.xml, 'soap')).toBe(SOAP11_ENV);
  expect(at(fault, 'faultstring')).toMatch(/./);
  expect(reply.xml).toContain(`<CrmFault xmlns="${CRM_NS}"><ErrorCd>${errorCd}</ErrorCd><ErrorTxt>`);
  expect(at(fault, 'detail', 'CrmFault', 'ErrorCd')).toBe(errorCd);
  expect(at(fault, 'detail', 'CrmFault', 'ErrorTxt')).toMatch(/./);
}

function expectPolicyFault(reply: RawReply, code: 'Sender' | 'Receiver', subcode: string, errorCode: string): void {
  expect(reply.status).toBe(code === 'Sender' ? 400 : 500);
  expect(reply.contentType).toBe('application/soap+xml; charset=utf-8');
  expect(namespaceOf(reply.xml, 'Envelope')).toBe(SOAP12_ENV);
  expect(namespaceOf(reply.xml, 'Fault')).toBe(SOAP12_ENV);
  const fault = at(body(reply.xml), 'Fault');
  expect(at(fault, 'Code', 'Value')).toBe(`env:${code}`);
  expect(prefixNamespace(reply.xml, 'env')).toBe(SOAP12_ENV);
  expect(at(fault, 'Code', 'Subcode', 'Value')).toBe(`pol:${subcode}`); // its xmlns:pol is dropped by the parser
  expect(prefixNamespace(reply.xml, 'pol')).toBe(POLICY_NS);
  expect(at(fault, 'Reason', 'Text', '@lang')).toBe('en');
  expect(at(fault, 'Reason', 'Text', '#text')).toMatch(/./);
  expect(reply.xml).toContain(`<PolicyError xmlns="${POLICY_NS}"><Code>${errorCode}</Code><Message>`);
  expect(at(fault, 'Detail', 'PolicyError', 'Code')).toBe(errorCode);
}

describe('CustomerService stub (SOAP 1.1) on the wire', () => {
  let crm: RunningStub;
  beforeAll(async () => {
    crm = await startCustomerStub({ port: 0 });
  });
  afterAll(async () => {
    await crm.close();
  });

  it('listens on 127.0.0.1 with an ephemeral port and knows its WSDL', async () => {
    expect(crm.name).toBe('crm');
    expect(crm.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/crm$/);
    expect(crm.url).not.toContain(':0/');
    expect(isAbsolute(crm.wsdlPath)).toBe(true);
    expect(crm.wsdlPath).toBe(customerWsdlPath);
    const response = await fetch(`${crm.url}?wsdl`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(await readFile(customerWsdlPath, 'utf8'));
  });

  it('GetCustomerDetails writes customer 1 with all its quirks', async () => {
    const reply = await post11(crm, 'GetCustomerDetails', getCustomer('00000001'));
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('text/xml; charset=utf-8');
    expect(namespaceOf(reply.xml, 'Envelope')).toBe(SOAP11_ENV);
    expect(namespaceOf(reply.xml, 'GetCustomerDetailsResponse')).toBe(CRM_NS);
    expect(namespaceOf(reply.xml, 'CustName')).toBe(CRM_NS);

    expect(texts(reply.xml, 'CustNo')).toEqual(['00000001']);
    expect(texts(reply.xml, 'CustName')).toEqual(['Margarethe Vogelsang                    ']);
    expect(texts(reply.xml, 'BirthDt')).toEqual(['19620314']);
    expect(texts(reply.xml, 'StatusCd')).toEqual(['A']);
    expect(texts(reply.xml, 'CreditLmt')).toEqual(['1500.00']);
    expect(texts(reply.xml, 'EMail')).toEqual(['m.vogelsang@example.de']);
    expect(texts(reply.xml, 'CntryCd')).toEqual(['DE', 'AT', 'DE']);
    expect(texts(reply.xml, 'PostCd')).toEqual(['01099', '1060', '78464']);
    expect(reply.xml).not.toMatch(/<(\w+:)?Addresses?[\s>]/); // Addr repeats without a wrapper

    const customer = at(body(reply.xml), 'GetCustomerDetailsResponse', 'Customer', 0);
    expect(Object.keys(customer as object)).toEqual(['CustNo', 'CustName', 'BirthDt', 'StatusCd', 'CreditLmt', 'EMail', 'Addr']);
    expect(at(customer, 'CustName')).toHaveLength(40);
    expect(at(customer, 'Addr', 0)).toEqual({ StreetLn: 'Königsbrücker Straße 12', CityNm: 'Dresden', PostCd: '01099', CntryCd: 'DE' });
  });

  it('writes a missing e-mail as xsi:nil with the xsi prefix declared, and a single address', async () => {
    const reply = await post11(crm, 'GetCustomerDetails', getCustomer('00000002'));
    expect(reply.status).toBe(200);
    const nil = /<(?:\w+:)?EMail\s[^>]*\/>/.exec(reply.xml)?.[0];
    expect(nil).toBeDefined();
    expect(nil).toContain('xsi:nil="true"');
    expect(nil).toContain(`xmlns:xsi="${XSI}"`);
    expect(texts(reply.xml, 'StatusCd')).toEqual(['I']);
    expect(texts(reply.xml, 'CreditLmt')).toEqual(['250.50']);
    expect(texts(reply.xml, 'CntryCd')).toEqual(['DE']);
    expect(at(body(reply.xml), 'GetCustomerDetailsResponse', 'Customer', 0, 'EMail')).toEqual({ '@nil': 'true' });
  });

  it('writes a customer without addresses with no Addr element at all', async () => {
    const reply = await post11(crm, 'GetCustomerDetails', getCustomer('00000003'));
    expect(reply.status).toBe(200);
    expect(texts(reply.xml, 'StatusCd')).toEqual(['X']);
    expect(texts(reply.xml, 'CreditLmt')).toEqual(['0.00']);
    expect(reply.xml).not.toMatch(/<(\w+:)?Addr[\s>]/);
  });

  it('keeps the leading zeros of customer 42 and its postcode', async () => {
    const reply = await post11(crm, 'GetCustomerDetails', getCustomer('00000042'));
    expect(reply.status).toBe(200);
    expect(texts(reply.xml, 'CustNo')).toEqual(['00000042']);
    expect(texts(reply.xml, 'PostCd')).toEqual(['04109']);
    expect(texts(reply.xml, 'StatusCd')).toEqual(['A']);
  });

  it('escapes & and < in names and still pads them to 40 characters', async () => {
    const smith = await post11(crm, 'GetCustomerDetails', getCustomer('00000007'));
    expect(texts(smith.xml, 'CustName')).toEqual([`Smith &amp; Jones Ltd${' '.repeat(23)}`]);
    expect(at(body(smith.xml), 'GetCustomerDetailsResponse', 'Customer', 0, 'CustName')).toBe('Smith & Jones Ltd'.padEnd(40));

    const kurt = await post11(crm, 'GetCustomerDetails', getCustomer('00000023'));
    expect(kurt.xml).toContain('Kurt Vogel &lt;Nachlass&gt;');
    expect(at(body(kurt.xml), 'GetCustomerDetailsResponse', 'Customer', 0, 'CustName')).toBe('Kurt Vogel <Nachlass>'.padEnd(40));
  });

  it('answers an unknown customer with a soap:Client fault CUST_NOT_FOUND', async () => {
    expectCrmFault(await post11(crm, 'GetCustomerDetails', getCustomer('00000099')), 'Client', 'CUST_NOT_FOUND');
  });

  it('answers a malformed customer number with a soap:Client fault INVALID_CUSTNO', async () => {
    expectCrmFault(await post11(crm, 'GetCustomerDetails', getCustomer('42')), 'Client', 'INVALID_CUSTNO');
    expectCrmFault(await post11(crm, 'GetCustomerDetails', getCustomer('0000004X')), 'Client', 'INVALID_CUSTNO');
    expectCrmFault(await post11(crm, 'GetCustomerDetails', `<GetCustomerDetails xmlns="${CRM_NS}"/>`), 'Client', 'INVALID_CUSTNO');
  });

  it('answers customer 99999999 with a soap:Server fault SYSTEM_BUSY', async () => {
    expectCrmFault(await post11(crm, 'GetCustomerDetails', getCustomer('99999999')), 'Server', 'SYSTEM_BUSY');
  });

  it('SearchCustomers matches case-insensitively, * as wildcard, ordered by CustNo', async () => {
    const wildcard = await post11(crm, 'SearchCustomers', search('*VOG*', 10));
    expect(wildcard.status).toBe(200);
    expect(namespaceOf(wildcard.xml, 'SearchCustomersResponse')).toBe(CRM_NS);
    expect(texts(wildcard.xml, 'RowCount')).toEqual(['3']);
    expect(custNos(wildcard.xml)).toEqual(['00000001', '00000015', '00000023']);

    // Without * a pattern matches names containing it.
    const contains = await post11(crm, 'SearchCustomers', search('vog', 10));
    expect(custNos(contains.xml)).toEqual(['00000001', '00000015', '00000023']);

    // With * the pattern covers the whole name.
    expect(custNos((await post11(crm, 'SearchCustomers', search('*sang', 10))).xml)).toEqual(['00000001']);
    expect(custNos((await post11(crm, 'SearchCustomers', search('Vog*', 10))).xml)).toEqual([]);
    expect(custNos((await post11(crm, 'SearchCustomers', search('m*g', 10))).xml)).toEqual(['00000001']);
    expect(custNos((await post11(crm, 'SearchCustomers', search('Smith &amp; J*', 10))).xml)).toEqual(['00000007']);

    const all = await post11(crm, 'SearchCustomers', search('*', 100));
    expect(custNos(all.xml)).toEqual(['00000001', '00000002', '00000003', '00000007', '00000015', '00000023', '00000042']);
    expect(texts(all.xml, 'RowCount')).toEqual(['7']);
    // Each row is a full CustomerRec with its quirks.
    expect(texts(all.xml, 'CreditLmt')).toEqual(['1500.00', '250.50', '0.00', '25000.00', '800.00', '0.10', '12000.00']);
    expect(texts(all.xml, 'CustName').every((name) => name.replace(/&\w+;/g, '_').length === 40)).toBe(true);
  });

  it('SearchCustomers returns at most MaxRows rows and counts the rows returned', async () => {
    const limited = await post11(crm, 'SearchCustomers', search('*vog*', 2));
    expect(texts(limited.xml, 'RowCount')).toEqual(['2']);
    expect(custNos(limited.xml)).toEqual(['00000001', '00000015']);

    const none = await post11(crm, 'SearchCustomers', search('zzz', 10));
    expect(none.status).toBe(200);
    expect(texts(none.xml, 'RowCount')).toEqual(['0']);
    expect(none.xml).not.toMatch(/<(\w+:)?Customer[\s>]/);

    const zero = await post11(crm, 'SearchCustomers', search('*', 0));
    expect(texts(zero.xml, 'RowCount')).toEqual(['0']);

    expectCrmFault(await post11(crm, 'SearchCustomers', search('*', -1)), 'Client', 'INVALID_REQUEST');
  });

  it('UpdateCustomerAddress replaces the first address, and a later GetCustomerDetails shows it', async () => {
    const update = await post11(
      crm,
      'UpdateCustomerAddress',
      updateAddress('00000001', '<Addr><StreetLn>Hinterhof 5 &amp; 6 &lt;Nord&gt;</StreetLn><CityNm>Dresden</CityNm><PostCd>01067</PostCd><CntryCd>DE</CntryCd></Addr>'),
    );
    expect(update.status).toBe(200);
    expect(namespaceOf(update.xml, 'UpdateCustomerAddressResponse')).toBe(CRM_NS);
    expect(custNos(update.xml)).toEqual(['00000001']);
    expect(texts(update.xml, 'StreetLn')).toEqual(['Hinterhof 5 &amp; 6 &lt;Nord&gt;', 'Mariahilfer Straße 45', 'Seestraße 3']);
    expect(texts(update.xml, 'PostCd')).toEqual(['01067', '1060', '78464']);

    const after = await post11(crm, 'GetCustomerDetails', getCustomer('00000001'));
    expect(at(body(after.xml), 'GetCustomerDetailsResponse', 'Customer', 0, 'Addr')).toEqual([
      { StreetLn: 'Hinterhof 5 & 6 <Nord>', CityNm: 'Dresden', PostCd: '01067', CntryCd: 'DE' },
      { StreetLn: 'Mariahilfer Straße 45', CityNm: 'Wien', PostCd: '1060', CntryCd: 'AT' },
      { StreetLn: 'Seestraße 3', CityNm: 'Konstanz', PostCd: '78464', CntryCd: 'DE' },
    ]);
  });

  it('UpdateCustomerAddress adds the address of a customer who has none', async () => {
    const update = await post11(
      crm,
      'UpdateCustomerAddress',
      updateAddress('00000003', '<Addr><StreetLn>Ringstraße 1</StreetLn><CityNm>Kiel</CityNm><PostCd>24103</PostCd><CntryCd>DE</CntryCd></Addr>'),
    );
    expect(update.status).toBe(200);
    expect(texts(update.xml, 'CityNm')).toEqual(['Kiel']);
    const after = await post11(crm, 'GetCustomerDetails', getCustomer('00000003'));
    expect(texts(after.xml, 'CityNm')).toEqual(['Kiel']);
  });

  it('UpdateCustomerAddress faults like the other operations', async () => {
    const addr = '<Addr><StreetLn>a</StreetLn><CityNm>b</CityNm><PostCd>c</PostCd><CntryCd>DE</CntryCd></Addr>';
    const update = (custNo: string, rest: string) => post11(crm, 'UpdateCustomerAddress', updateAddress(custNo, rest));
    expectCrmFault(await update('00000099', addr), 'Client', 'CUST_NOT_FOUND');
    expectCrmFault(await update('99', addr), 'Client', 'INVALID_CUSTNO');
    expectCrmFault(await update('99999999', addr), 'Server', 'SYSTEM_BUSY');
    expectCrmFault(await update('00000042', ''), 'Client', 'INVALID_REQUEST');
  });

  it('refuses a SOAP 1.2 request with 415 and an unknown SOAPAction with a Client fault', async () => {
    const wrongVersion = await fetch(crm.url, {
      method: 'POST',
      headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
      body: `<e:Envelope xmlns:e="${SOAP12_ENV}"><e:Body>${getCustomer('00000001')}</e:Body></e:Envelope>`,
    });
    expect(wrongVersion.status).toBe(415);
    await wrongVersion.text();

    const unknownAction = await fetch(crm.url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${CRM_NS}/DeleteCustomer"` },
      body: `<s:Envelope xmlns:s="${SOAP11_ENV}"><s:Body>${getCustomer('00000001')}</s:Body></s:Envelope>`,
    });
    expect(unknownAction.status).toBe(500);
    expect(unknownAction.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const xml = await unknownAction.text();
    expect(namespaceOf(xml, 'Fault')).toBe(SOAP11_ENV);
    expect(at(body(xml), 'Fault', 'faultcode')).toBe('soap:Client');
  });

  it('answers 404 outside its path', async () => {
    const response = await fetch(crm.url.replace('/crm', '/nothing'), { method: 'POST', body: '<x/>' });
    expect(response.status).toBe(404);
    await response.text();
  });
});

describe('CustomerService stub instances', () => {
  it('each start has its own fresh data', async () => {
    const first = await startCustomerStub();
    const second = await startCustomerStub();
    try {
      await post11(
        first,
        'UpdateCustomerAddress',
        updateAddress('00000002', '<Addr><StreetLn>Neu 1</StreetLn><CityNm>Ulm</CityNm><PostCd>89073</PostCd><CntryCd>DE</CntryCd></Addr>'),
      );
      expect(texts((await post11(first, 'GetCustomerDetails', getCustomer('00000002'))).xml, 'CityNm')).toEqual(['Ulm']);
      expect(texts((await post11(second, 'GetCustomerDetails', getCustomer('00000002'))).xml, 'CityNm')).toEqual(['München']);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('setBusy makes every operation answer SYSTEM_BUSY until it is switched off', async () => {
    const crm = await startCustomerStub();
    try {
      crm.setBusy(true);
      expectCrmFault(await post11(crm, 'GetCustomerDetails', getCustomer('00000001')), 'Server', 'SYSTEM_BUSY');
      expectCrmFault(await post11(crm, 'SearchCustomers', search('*', 10)), 'Server', 'SYSTEM_BUSY');
      expectCrmFault(
        await post11(crm, 'UpdateCustomerAddress', updateAddress('00000001', '<Addr><StreetLn>a</StreetLn><CityNm>b</CityNm><PostCd>c</PostCd><CntryCd>DE</CntryCd></Addr>')),
        'Server',
        'SYSTEM_BUSY',
      );
      crm.setBusy(false);
      const reply = await post11(crm, 'GetCustomerDetails', getCustomer('00000001'));
      expect(reply.status).toBe(200);
      expect(texts(reply.xml, 'CityNm')[0]).toBe('Dresden'); // the busy update did not happen
    } finally {
      await crm.close();
    }
  });
});

describe('CustomerService stub through a standard SOAP client (node-soap)', () => {
  let crm: RunningStub;
  let client: soap.Client;
  beforeAll(async () => {
    crm = await startCustomerStub();
    client = await soap.createClientAsync(customerWsdlPath, {}, crm.url);
  });
  afterAll(async () => {
    await crm.close();
  });

  it('finds the three operations in the WSDL', () => {
    const operations = client.describe()['CustomerService']['CustomerServicePort'];
    expect(Object.keys(operations)).toEqual(['GetCustomerDetails', 'SearchCustomers', 'UpdateCustomerAddress']);
  });

  it('calls GetCustomerDetails with the WSDL SOAPAction', async () => {
    const [result] = await client.GetCustomerDetailsAsync({ CustNo: '00000001' });
    expect(client.lastRequestHeaders?.['SOAPAction']).toBe(`"${CRM_NS}/GetCustomerDetails"`);
    const customer = result.Customer;
    expect(customer.CustNo).toBe('00000001');
    // node-soap trims text and turns xs:decimal into a number: the wire quirks are checked above.
    expect(customer.CustName.trim()).toBe('Margarethe Vogelsang');
    expect(customer.CreditLmt).toBe(1500);
    expect(customer.Addr).toHaveLength(3);
    expect(customer.Addr[0].PostCd).toBe('01099');
  });

  it('calls SearchCustomers', async () => {
    const [result] = await client.SearchCustomersAsync({ NamePattern: '*vog*', MaxRows: 2 });
    expect(client.lastRequestHeaders?.['SOAPAction']).toBe(`"${CRM_NS}/SearchCustomers"`);
    expect(result.RowCount).toBe(2);
    expect(result.Customer.map((customer: { CustNo: string }) => customer.CustNo)).toEqual(['00000001', '00000015']);
  });

  it('calls UpdateCustomerAddress, and GetCustomerDetails shows the change', async () => {
    const address = { StreetLn: 'Am Anger 2 & 3', CityNm: 'Erfurt', PostCd: '09111', CntryCd: 'DE' };
    const [updated] = await client.UpdateCustomerAddressAsync({ CustNo: '00000042', Addr: address });
    expect(client.lastRequestHeaders?.['SOAPAction']).toBe(`"${CRM_NS}/UpdateCustomerAddress"`);
    expect(updated.Customer.Addr).toEqual([address]);
    const [result] = await client.GetCustomerDetailsAsync({ CustNo: '00000042' });
    expect(result.Customer.Addr).toEqual([address]);
  });

  it('receives faults as SOAP 1.1 faults with the CrmFault detail', async () => {
    const error = await client.GetCustomerDetailsAsync({ CustNo: '00000099' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    const fault = at(error, 'root', 'Envelope', 'Body', 'Fault');
    expect(at(fault, 'faultcode')).toBe('soap:Client');
    expect(at(fault, 'detail', 'CrmFault', 'ErrorCd')).toBe('CUST_NOT_FOUND');
    expect((error as { response: { status: number } }).response.status).toBe(500);
  });
});

describe('PolicyService stub (SOAP 1.2) on the wire', () => {
  let policy: RunningStub;
  beforeAll(async () => {
    policy = await startPolicyStub({ port: 0 });
  });
  afterAll(async () => {
    await policy.close();
  });

  it('listens on 127.0.0.1 with an ephemeral port and knows its WSDL', async () => {
    expect(policy.name).toBe('policy');
    expect(policy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/policy$/);
    expect(policy.wsdlPath).toBe(policyWsdlPath);
    expect(isAbsolute(policy.wsdlPath)).toBe(true);
    const response = await fetch(`${policy.url}?wsdl`);
    expect(await response.text()).toBe(await readFile(policyWsdlPath, 'utf8'));
  });

  it('GetPolicy answers a real SOAP 1.2 reply with the policy quirks', async () => {
    const reply = await post12(policy, 'GetPolicy', getPolicy('P-000123'));
    expect(reply.status).toBe(200);
    // Not the request's Content-Type echoed back (node-soap would include the action parameter).
    expect(reply.contentType).toBe('application/soap+xml; charset=utf-8');
    expect(namespaceOf(reply.xml, 'Envelope')).toBe(SOAP12_ENV);
    expect(reply.xml).not.toContain(SOAP11_ENV);
    expect(namespaceOf(reply.xml, 'GetPolicyResponse')).toBe(POLICY_NS);
    expect(namespaceOf(reply.xml, 'AmountCents')).toBe(POLICY_NS);
    const record = at(body(reply.xml), 'GetPolicyResponse', 'Policy', 0);
    expect(record).toEqual({
      PolicyNo: 'P-000123',
      HolderNo: '00000001',
      ProductCd: 'HM',
      StatusCd: 'IF',
      StartDt: '01042015',
      Premium: { AmountCents: '12345', CurrencyCd: 'EUR' },
    });
  });

  it('ListPoliciesForCustomer lists a holder’s policies', async () => {
    const one = await post12(policy, 'ListPoliciesForCustomer', listPolicies('00000001'));
    expect(one.status).toBe(200);
    expect(one.contentType).toBe('application/soap+xml; charset=utf-8');
    expect(namespaceOf(one.xml, 'ListPoliciesForCustomerResponse')).toBe(POLICY_NS);
    expect(texts(one.xml, 'PolicyNo')).toEqual(['P-000123', 'P-000124', 'P-000125']);
    expect(texts(one.xml, 'ProductCd')).toEqual(['HM', 'MT', 'LF']);
    expect(texts(one.xml, 'StatusCd')).toEqual(['IF', 'IF', 'LP']);
    expect(texts(one.xml, 'HolderNo')).toEqual(['00000001', '00000001', '00000001']);

    const two = await post12(policy, 'ListPoliciesForCustomer', listPolicies('00000002'));
    expect(texts(two.xml, 'PolicyNo')).toEqual(['P-000200']);
    expect(texts(two.xml, 'CurrencyCd')).toEqual(['CHF']);
    expect(texts(two.xml, 'AmountCents')).toEqual(['21050']);

    const fortyTwo = await post12(policy, 'ListPoliciesForCustomer', listPolicies('00000042'));
    expect(texts(fortyTwo.xml, 'PolicyNo')).toEqual(['P-000420']);
    expect(texts(fortyTwo.xml, 'StartDt')).toEqual(['07032020']);
  });

  it('ListPoliciesForCustomer of a holder without policies, or an unknown one, is an empty list', async () => {
    for (const holderNo of ['00000003', '12345678', '']) {
      const reply = await post12(policy, 'ListPoliciesForCustomer', listPolicies(holderNo));
      expect(reply.status).toBe(200);
      expect(reply.xml).toMatch(/<(\w+:)?ListPoliciesForCustomerResponse\b[^>]*\/>/);
      expect(reply.xml).not.toMatch(/<(\w+:)?Policy[\s>]/);
    }
  });

  it('answers an unknown policy with env:Sender / pol:PolicyNotFound, HTTP 400', async () => {
    expectPolicyFault(await post12(policy, 'GetPolicy', getPolicy('P-000999')), 'Sender', 'PolicyNotFound', 'E404');
    expectPolicyFault(await post12(policy, 'GetPolicy', `<GetPolicy xmlns="${POLICY_NS}"/>`), 'Sender', 'PolicyNotFound', 'E404');
  });

  it('answers P-999999 and holder 99999999 with env:Receiver / E503, HTTP 500', async () => {
    expectPolicyFault(await post12(policy, 'GetPolicy', getPolicy('P-999999')), 'Receiver', 'SystemBusy', 'E503');
    expectPolicyFault(await post12(policy, 'ListPoliciesForCustomer', listPolicies('99999999')), 'Receiver', 'SystemBusy', 'E503');
  });

  it('refuses a SOAP 1.1 request with 415', async () => {
    const response = await fetch(policy.url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${POLICY_NS}#GetPolicy"` },
      body: `<s:Envelope xmlns:s="${SOAP11_ENV}"><s:Body>${getPolicy('P-000123')}</s:Body></s:Envelope>`,
    });
    expect(response.status).toBe(415);
    await response.text();
  });

  it('answers an action that names no operation with an env:Sender fault, HTTP 400', async () => {
    const response = await fetch(policy.url, {
      method: 'POST',
      headers: { 'content-type': `application/soap+xml; charset=utf-8; action="${POLICY_NS}#CancelPolicy"` },
      body: `<e:Envelope xmlns:e="${SOAP12_ENV}"><e:Body>${getPolicy('P-000123')}</e:Body></e:Envelope>`,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/soap+xml; charset=utf-8');
    const xml = await response.text();
    expect(namespaceOf(xml, 'Fault')).toBe(SOAP12_ENV);
    expect(at(body(xml), 'Fault', 'Code', 'Value')).toBe('env:Sender');
  });

  it('dispatches a request without an action by its body element', async () => {
    const response = await fetch(policy.url, {
      method: 'POST',
      headers: { 'content-type': 'application/soap+xml' },
      body: `<e:Envelope xmlns:e="${SOAP12_ENV}"><e:Body>${getPolicy('P-000123')}</e:Body></e:Envelope>`,
    });
    expect(response.status).toBe(200);
    expect(texts(await response.text(), 'PolicyNo')).toEqual(['P-000123']);
  });

  it('setBusy makes every operation answer E503 until it is switched off', async () => {
    policy.setBusy(true);
    try {
      expectPolicyFault(await post12(policy, 'GetPolicy', getPolicy('P-000123')), 'Receiver', 'SystemBusy', 'E503');
      expectPolicyFault(await post12(policy, 'ListPoliciesForCustomer', listPolicies('00000001')), 'Receiver', 'SystemBusy', 'E503');
    } finally {
      policy.setBusy(false);
    }
    expect((await post12(policy, 'GetPolicy', getPolicy('P-000123'))).status).toBe(200);
  });
});

describe('PolicyService stub through a standard SOAP 1.2 client (node-soap)', () => {
  let policy: RunningStub;
  let client: soap.Client;
  beforeAll(async () => {
    policy = await startPolicyStub();
    client = await soap.createClientAsync(policyWsdlPath, { forceSoap12Headers: true }, policy.url);
  });
  afterAll(async () => {
    await policy.close();
  });

  it('calls GetPolicy with the action in the Content-Type', async () => {
    const [result] = await client.GetPolicyAsync({ PolicyNo: 'P-000124' });
    expect(client.lastRequestHeaders?.['Content-Type']).toBe(`application/soap+xml; charset=utf-8; action="${POLICY_NS}#GetPolicy"`);
    expect(result.Policy.PolicyNo).toBe('P-000124');
    expect(result.Policy.ProductCd).toBe('MT');
    expect(result.Policy.StartDt).toBe('15062021');
    expect(result.Policy.Premium).toEqual({ AmountCents: 48900, CurrencyCd: 'EUR' }); // xs:long parsed by node-soap
  });

  it('calls ListPoliciesForCustomer', async () => {
    const [result] = await client.ListPoliciesForCustomerAsync({ HolderNo: '00000001' });
    expect(client.lastRequestHeaders?.['Content-Type']).toContain(`action="${POLICY_NS}#ListPoliciesForCustomer"`);
    expect(result.Policy.map((record: { PolicyNo: string }) => record.PolicyNo)).toEqual(['P-000123', 'P-000124', 'P-000125']);
    const [empty] = await client.ListPoliciesForCustomerAsync({ HolderNo: '00000003' });
    expect(empty?.Policy ?? []).toEqual([]);
  });

  it('receives faults as SOAP 1.2 faults with the PolicyError detail', async () => {
    const error = await client.GetPolicyAsync({ PolicyNo: 'P-000999' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as { response: { status: number } }).response.status).toBe(400);
    const fault = at(error, 'root', 'Envelope', 'Body', 'Fault');
    expect(at(fault, 'Code', 'Value')).toBe('env:Sender');
    expect(at(fault, 'Code', 'Subcode', 'Value')).toBe('pol:PolicyNotFound');
    expect(at(fault, 'Detail', 'PolicyError')).toEqual({ Code: 'E404', Message: 'POLICY P-000999 DOES NOT EXIST' });
  });
});

describe('closing a stub', () => {
  it('close() drops open connections, frees the port and can be called twice', async () => {
    for (const start of [startCustomerStub, startPolicyStub]) {
      const stub = await start();
      const { hostname, port } = new URL(stub.url);
      // A keep-alive connection that is half way through a request: server.close() alone would
      // wait for it (up to the 60 s headers timeout).
      const socket = connect(Number(port), hostname);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(`POST ${new URL(stub.url).pathname} HTTP/1.1\r\nHost: ${hostname}\r\n`);
      const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.on('error', () => undefined);

      await stub.close();
      await socketClosed;
      await expect(fetch(stub.url, { method: 'POST' })).rejects.toThrow();
      await stub.close();
    }
  });
});
