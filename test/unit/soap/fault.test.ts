import { describe, expect, it } from 'vitest';
import { childrenNamed, isSoapEnvelopeError, openEnvelope, parseFault, parseXml } from '../../../src/soap/index.js';
import type { SoapFault } from '../../../src/soap/index.js';

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

function fault11(fault: string, extraNs = ''): SoapFault {
  const xml = `<soap:Envelope xmlns:soap="${SOAP11}"${extraNs}><soap:Body>${fault}</soap:Body></soap:Envelope>`;
  const reply = openEnvelope(xml, '1.1');
  if (reply.fault === null) throw new Error('no fault');
  return reply.fault;
}

function fault12(code: string, rest = ''): SoapFault {
  const xml = `<env:Envelope xmlns:env="${SOAP12}" xmlns:pol="urn:acme:policy:v2"><env:Body>`
    + `<env:Fault><env:Code>${code}</env:Code>${rest}</env:Fault></env:Body></env:Envelope>`;
  const reply = openEnvelope(xml, '1.2');
  if (reply.fault === null) throw new Error('no fault');
  return reply.fault;
}

function malformedFault(run: () => unknown): boolean {
  try {
    run();
    return false;
  } catch (error) {
    return isSoapEnvelopeError(error) && error.kind === 'malformed-fault';
  }
}

describe('SOAP 1.1 faults', () => {
  const crmFault = '<soap:Fault><faultcode>soap:Client</faultcode><faultstring>x</faultstring>'
    + '<detail><CrmFault xmlns="urn:acme:crm:v1"><ErrorCd>CUST_NOT_FOUND</ErrorCd></CrmFault></detail></soap:Fault>';

  it('reads a real Client fault with its detail', () => {
    const fault = fault11(crmFault);
    expect(fault).toMatchObject({ version: '1.1', code: 'Client', kind: 'client', subcodes: [], reason: 'x' });
    expect(fault.detail?.name).toBe('detail');
    const crm = childrenNamed(fault.detail!, 'CrmFault', 'urn:acme:crm:v1')[0];
    expect(childrenNamed(crm!, 'ErrorCd', 'urn:acme:crm:v1')[0]?.text).toBe('CUST_NOT_FOUND');
  });

  it('also reports the Fault as the body', () => {
    const reply = openEnvelope(`<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body>${crmFault}</soap:Body></soap:Envelope>`, '1.1');
    expect(reply.body?.name).toBe('Fault');
  });

  it.each([
    ['soap:Server', 'Server', 'server'],
    ['soap:Client.Authentication', 'Client.Authentication', 'client'],
    ['soap:Server.Database.Timeout', 'Server.Database.Timeout', 'server'],
    ['soap:VersionMismatch', 'VersionMismatch', 'other'],
    ['soap:MustUnderstand', 'MustUnderstand', 'other'],
    ['soap:Clientele', 'Clientele', 'other'],
    [' \n soap:Client \n', 'Client', 'client'],
  ])('classifies %j', (code, local, kind) => {
    expect(fault11(`<soap:Fault><faultcode>${code}</faultcode><faultstring>r</faultstring></soap:Fault>`))
      .toMatchObject({ code: local, kind });
  });

  it('resolves the code prefix where the code is written, not by its spelling', () => {
    // 'soap' redeclared to another namespace on faultcode: the local part stays, the kind does not.
    const other = fault11('<soap:Fault><faultcode xmlns:soap="urn:not-soap">soap:Client</faultcode></soap:Fault>');
    expect(other).toMatchObject({ code: 'Client', kind: 'other' });
    // Any prefix bound to the envelope namespace counts.
    const s = fault11(`<soap:Fault><faultcode xmlns:s="${SOAP11}">s:Server</faultcode></soap:Fault>`);
    expect(s).toMatchObject({ code: 'Server', kind: 'server' });
    const custom = fault11('<soap:Fault><faultcode>acme:Client</faultcode></soap:Fault>', ' xmlns:acme="urn:acme"');
    expect(custom).toMatchObject({ code: 'Client', kind: 'other' });
  });

  it('resolves an unprefixed code against the default namespace', () => {
    const xml = `<Envelope xmlns="${SOAP11}"><Body><Fault><faultcode xmlns="">Client</faultcode></Fault></Body></Envelope>`;
    expect(openEnvelope(xml, '1.1').fault).toMatchObject({ code: 'Client', kind: 'other' });
    const inDefault = `<Envelope xmlns="${SOAP11}"><Body><Fault><faultcode>Client</faultcode></Fault></Body></Envelope>`;
    expect(openEnvelope(inDefault, '1.1').fault).toMatchObject({ code: 'Client', kind: 'client' });
  });

  it('accepts faultcode & co. qualified with the envelope prefix, and trims the reason', () => {
    const fault = fault11('<soap:Fault><soap:faultcode>soap:Server</soap:faultcode><soap:faultstring>\n  boom\n</soap:faultstring><soap:detail/></soap:Fault>');
    expect(fault).toMatchObject({ code: 'Server', kind: 'server', reason: 'boom' });
    expect(fault.detail?.name).toBe('detail');
  });

  it('tolerates a missing faultstring and detail', () => {
    expect(fault11('<soap:Fault><faultcode>soap:Server</faultcode></soap:Fault>')).toMatchObject({ reason: '', detail: null });
  });

  it('refuses a fault without a usable faultcode', () => {
    expect(malformedFault(() => fault11('<soap:Fault><faultstring>x</faultstring></soap:Fault>'))).toBe(true);
    expect(malformedFault(() => fault11('<soap:Fault><faultcode>undeclared:Client</faultcode></soap:Fault>'))).toBe(true);
    expect(malformedFault(() => fault11('<soap:Fault><faultcode></faultcode></soap:Fault>'))).toBe(true);
    expect(malformedFault(() => fault11('<soap:Fault><faultcode>not a qname</faultcode></soap:Fault>'))).toBe(true);
  });
});

describe('SOAP 1.2 faults', () => {
  it('reads a Sender fault with a subcode, reason and detail', () => {
    const fault = fault12(
      '<env:Value>env:Sender</env:Value><env:Subcode><env:Value>pol:PolicyNotFound</env:Value></env:Subcode>',
      '<env:Reason><env:Text xml:lang="en">Policy not found</env:Text></env:Reason>'
      + '<env:Detail><pol:PolicyFault><pol:PolicyNo>P-123</pol:PolicyNo></pol:PolicyFault></env:Detail>',
    );
    expect(fault).toMatchObject({ version: '1.2', code: 'Sender', kind: 'client', subcodes: ['PolicyNotFound'], reason: 'Policy not found' });
    expect(fault.detail?.name).toBe('Detail');
    expect(fault.detail?.children[0]?.children[0]?.text).toBe('P-123');
  });

  it('reads a nested subcode chain, outermost first', () => {
    const fault = fault12('<env:Value>env:Receiver</env:Value><env:Subcode><env:Value>pol:Backend</env:Value>'
      + '<env:Subcode><env:Value>pol:Timeout</env:Value></env:Subcode></env:Subcode>');
    expect(fault).toMatchObject({ code: 'Receiver', kind: 'server', subcodes: ['Backend', 'Timeout'], reason: '', detail: null });
  });

  it.each([
    ['env:VersionMismatch', 'other'], ['env:MustUnderstand', 'other'], ['env:DataEncodingUnknown', 'other'],
    ['pol:Sender', 'other'],
  ])('classifies %j as %s', (code, kind) => {
    expect(fault12(`<env:Value>${code}</env:Value>`).kind).toBe(kind);
  });

  it('prefers the English reason, then a regional English one, then the first', () => {
    const text = (lang: string, value: string): string => `<env:Text xml:lang="${lang}">${value}</env:Text>`;
    const reason = (...texts: string[]): string =>
      fault12('<env:Value>env:Sender</env:Value>', `<env:Reason>${texts.join('')}</env:Reason>`).reason;
    expect(reason(text('de', 'Nicht gefunden'), text('en', 'Not found'), text('en-GB', 'Not found, mate'))).toBe('Not found');
    expect(reason(text('de', 'Nicht gefunden'), text('EN-us', 'Not found'))).toBe('Not found');
    expect(reason(text('de', 'Nicht gefunden'), text('fr', 'Introuvable'))).toBe('Nicht gefunden');
  });

  it('refuses a fault without Code or without Code/Value', () => {
    expect(malformedFault(() => fault12('', ''))).toBe(true);
    const noCode = `<env:Envelope xmlns:env="${SOAP12}"><env:Body><env:Fault><env:Reason/></env:Fault></env:Body></env:Envelope>`;
    expect(malformedFault(() => openEnvelope(noCode, '1.2'))).toBe(true);
    expect(malformedFault(() => fault12('<env:Value>env:Sender</env:Value><env:Subcode/>'))).toBe(true);
  });

  it('does not read a 1.1-style fault as a 1.2 fault', () => {
    const xml = `<env:Fault xmlns:env="${SOAP12}"><faultcode>env:Sender</faultcode></env:Fault>`;
    expect(malformedFault(() => parseFault(parseXml(xml), '1.2'))).toBe(true);
  });
});

describe('parseFault', () => {
  it('can be used on a Fault element directly', () => {
    const element = parseXml(`<s:Fault xmlns:s="${SOAP11}"><faultcode>s:Client</faultcode><faultstring>bad</faultstring></s:Fault>`);
    expect(parseFault(element, '1.1')).toEqual({ version: '1.1', code: 'Client', kind: 'client', subcodes: [], reason: 'bad', detail: null });
  });
});
