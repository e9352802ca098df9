import { describe, expect, it } from 'vitest';
import {
  buildEnvelope, childrenNamed, envelopeNamespace, isSoapEnvelopeError, isSoapRequestError, isXmlError, isXmlWorkerError,
  openEnvelope, soapRequestHeaders, SoapEnvelopeError, SoapRequestError, XmlError, XmlWorkerError,
} from '../../../src/soap/index.js';
import type { SoapEnvelopeErrorKind, SoapRequestErrorKind, XmlElement, XmlNode } from '../../../src/soap/index.js';
import { thrownKind } from './outcomes.js';

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

const requestErrorKind = (run: () => unknown): SoapRequestErrorKind | 'no error' => thrownKind(run, isSoapRequestError);
const envelopeErrorKind = (run: () => unknown): SoapEnvelopeErrorKind | 'no error' => thrownKind(run, isSoapEnvelopeError);

/** Builds a 1.1 envelope around `body` and opens it again. */
function roundTrip(body: XmlNode): XmlElement {
  const reply = openEnvelope(buildEnvelope('1.1', body), '1.1');
  if (reply.body === null) throw new Error('empty body');
  return reply.body;
}

describe('buildEnvelope', () => {
  it('writes a SOAP 1.1 envelope with the soap prefix and one prefix per namespace', () => {
    const xml = buildEnvelope('1.1', {
      name: 'GetCustomerDetails',
      ns: 'urn:acme:crm:v1',
      children: [{ name: 'CustNo', text: '006' }, { name: 'Scope', ns: 'urn:acme:crm:v1', text: 'full' }],
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="utf-8"?>'
      + `<soap:Envelope xmlns:soap="${SOAP11}" xmlns:ns1="urn:acme:crm:v1">`
      + '<soap:Body><ns1:GetCustomerDetails><CustNo>006</CustNo><ns1:Scope>full</ns1:Scope></ns1:GetCustomerDetails></soap:Body>'
      + '</soap:Envelope>',
    );
  });

  it('writes a SOAP 1.2 envelope with the env prefix', () => {
    const xml = buildEnvelope('1.2', { name: 'Ping', ns: 'urn:p' });
    expect(xml).toBe(
      `<?xml version="1.0" encoding="utf-8"?><env:Envelope xmlns:env="${SOAP12}" xmlns:ns1="urn:p"><env:Body><ns1:Ping/></env:Body></env:Envelope>`,
    );
  });

  it('writes header blocks before the body, and no Header when there are none', () => {
    const withHeader = buildEnvelope('1.1', { name: 'Op', ns: 'urn:b' }, [{ name: 'Security', ns: 'urn:sec', children: [{ name: 'Token', text: 't' }] }]);
    expect(withHeader).toContain('<soap:Header><ns1:Security><Token>t</Token></ns1:Security></soap:Header><soap:Body><ns2:Op/></soap:Body>');
    expect(withHeader).toContain('xmlns:ns1="urn:sec" xmlns:ns2="urn:b"');
    expect(buildEnvelope('1.1', { name: 'Op' }, [])).not.toContain('Header');
    expect(buildEnvelope('1.1', { name: 'Op' })).not.toContain('Header');
  });

  it('declares each namespace once, on the Envelope, and treats ns "" as unqualified', () => {
    const xml = buildEnvelope('1.1', {
      name: 'A', ns: 'urn:a', children: [
        { name: 'B', ns: 'urn:b', children: [{ name: 'C', ns: 'urn:a' }, { name: 'D', ns: '' }] },
        { name: 'E', ns: SOAP11 },
      ],
    });
    expect(xml.match(/xmlns:/g)).toHaveLength(3);
    expect(xml).toContain('<ns1:A><ns2:B><ns1:C/><D/></ns2:B><soap:E/></ns1:A>');
  });

  it('writes xsi:nil="true" and declares the xsi namespace', () => {
    const xml = buildEnvelope('1.1', { name: 'Op', children: [{ name: 'MiddleName', nil: true }] });
    expect(xml).toContain(`xmlns:xsi="${XSI}"`);
    expect(xml).toContain('<MiddleName xsi:nil="true"/>');
    const body = roundTrip({ name: 'Op', children: [{ name: 'MiddleName', nil: true }, { name: 'Other', nil: false }] });
    expect(body.children.map((child) => child.nil)).toEqual([true, false]);
  });

  it('escapes hostile text and attribute values by construction', () => {
    const hostile = `</x><evil/> ]]> &amp; "double" 'single' <![CDATA[ 😀 \r\n\t end`;
    const xml = buildEnvelope('1.1', { name: 'Op', attributes: { a: hostile }, children: [{ name: 'V', text: hostile }] });
    expect(xml).not.toContain('<evil/>');
    expect(xml).not.toContain(']]>');
    expect(xml).toContain('&lt;/x&gt;&lt;evil/&gt; ]]&gt; &amp;amp; &quot;double&quot; &apos;single&apos;');
    const body = roundTrip({ name: 'Op', attributes: { a: hostile }, children: [{ name: 'V', text: hostile }] });
    expect(body.attributes.a).toBe(hostile);
    expect(body.children[0]?.text).toBe(hostile);
    expect(body.children).toHaveLength(1);
  });

  it('keeps leading and trailing whitespace and CR exactly', () => {
    expect(roundTrip({ name: 'V', text: '  a\r\nb\r  ' }).text).toBe('  a\r\nb\r  ');
  });

  it('writes names such as __proto__ and constructor like any other', () => {
    // A computed key makes an own property; a literal `__proto__: 'x'` would not.
    const attributes: Record<string, string> = { ['__proto__']: 'x', constructor: 'y' };
    const body = roundTrip({ name: 'constructor', attributes, children: [{ name: '__proto__', text: '1' }] });
    expect(body.name).toBe('constructor');
    expect(Object.entries(body.attributes)).toEqual([['__proto__', 'x'], ['constructor', 'y']]);
    expect(childrenNamed(body, '__proto__')[0]?.text).toBe('1');
  });

  it.each([
    ['NUL', '\u0000'], ['U+0008', '\u0008'], ['vertical tab', '\u000B'], ['form feed', '\u000C'],
    ['U+000E', '\u000E'], ['escape', '\u001B'], ['U+001F', '\u001F'], ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', '\uDC00'], ['U+FFFE', '\uFFFE'], ['U+FFFF', '\uFFFF'],
  ])('refuses %s in text, attribute values and namespaces', (_, bad) => {
    expect(requestErrorKind(() => buildEnvelope('1.1', { name: 'Op', text: `x${bad}` }))).toBe('invalid-char');
    expect(requestErrorKind(() => buildEnvelope('1.1', { name: 'Op', attributes: { a: bad } }))).toBe('invalid-char');
    expect(requestErrorKind(() => buildEnvelope('1.1', { name: 'Op', ns: `urn:${bad}` }))).toBe('invalid-char');
  });

  it('accepts astral characters written as surrogate pairs', () => {
    expect(roundTrip({ name: 'V', text: '𝄞😀' }).text).toBe('𝄞😀');
  });

  it.each(['', '1abc', 'a b', 'a:b', 'x>', '<x', 'a"b', '-a', 'a\u0000'])('refuses the element name %j', (name) => {
    expect(requestErrorKind(() => buildEnvelope('1.1', { name }))).toBe('invalid-name');
    expect(requestErrorKind(() => buildEnvelope('1.1', { name: 'Op', children: [{ name }] }))).toBe('invalid-name');
  });

  it.each(['', 'a b', 'p:a', 'xmlns', 'a="x" b'])('refuses the attribute name %j', (name) => {
    expect(requestErrorKind(() => buildEnvelope('1.1', { name: 'Op', attributes: { [name]: 'v' } }))).toBe('invalid-name');
  });

  it('refuses shapes it does not write', () => {
    expect(requestErrorKind(() => buildEnvelope('1.1', { name: 'A', nil: true, text: 'x' }))).toBe('invalid-tree');
    expect(requestErrorKind(() => buildEnvelope('1.1', { name: 'A', nil: true, children: [{ name: 'B' }] }))).toBe('invalid-tree');
    expect(requestErrorKind(() => buildEnvelope('1.1', { name: 'A', text: 'x', children: [{ name: 'B' }] }))).toBe('invalid-tree');
    expect(requestErrorKind(() => buildEnvelope('1.1', { name: 'A', text: 5 as unknown as string }))).toBe('invalid-tree');
  });

  it('refuses over-deep and cyclic trees instead of overflowing the stack', () => {
    const deep: XmlNode = { name: 'a' };
    let leaf = deep;
    for (let i = 0; i < 10_000; i++) {
      const next: XmlNode = { name: 'a' };
      leaf.children = [next];
      leaf = next;
    }
    expect(requestErrorKind(() => buildEnvelope('1.1', deep))).toBe('invalid-tree');
    const cyclic: XmlNode = { name: 'a', children: [] };
    cyclic.children?.push(cyclic);
    expect(requestErrorKind(() => buildEnvelope('1.1', cyclic))).toBe('invalid-tree');
  });

  it('writes a tree 100 levels deep', () => {
    const root: XmlNode = { name: 'a' };
    let leaf = root;
    for (let i = 1; i < 100; i++) {
      const next: XmlNode = { name: 'a' };
      leaf.children = [next];
      leaf = next;
    }
    leaf.text = 'bottom';
    const reply = openEnvelope(buildEnvelope('1.1', root), '1.1', { maxBytes: 100_000, maxDepth: 200 });
    let element = reply.body as XmlElement;
    for (let i = 1; i < 100; i++) element = element.children[0] as XmlElement;
    expect(element.text).toBe('bottom');
  });
});

describe('soapRequestHeaders', () => {
  it('writes SOAP 1.1 headers with a quoted SOAPAction', () => {
    expect(soapRequestHeaders('1.1', 'urn:acme:crm:v1/GetCustomer')).toEqual({
      'content-type': 'text/xml; charset=utf-8',
      soapaction: '"urn:acme:crm:v1/GetCustomer"',
    });
    expect(soapRequestHeaders('1.1', undefined)).toEqual({ 'content-type': 'text/xml; charset=utf-8', soapaction: '""' });
  });

  it('puts the SOAP 1.2 action into the content type, and leaves it out when there is none', () => {
    expect(soapRequestHeaders('1.2', 'urn:x')).toEqual({ 'content-type': 'application/soap+xml; charset=utf-8; action="urn:x"' });
    expect(soapRequestHeaders('1.2', undefined)).toEqual({ 'content-type': 'application/soap+xml; charset=utf-8' });
  });

  it.each(['a\r\nX-Evil: 1', 'a\nb', 'a\rb', 'a"b', 'a\\', 'a\u0000', 'a\tb', 'a\u007f', 'é'])('refuses the action %j', (action) => {
    expect(requestErrorKind(() => soapRequestHeaders('1.1', action))).toBe('invalid-action');
    expect(requestErrorKind(() => soapRequestHeaders('1.2', action))).toBe('invalid-action');
  });
});

describe('openEnvelope', () => {
  const envelope11 = (body: string, header = ''): string =>
    `<soap:Envelope xmlns:soap="${SOAP11}">${header}<soap:Body>${body}</soap:Body></soap:Envelope>`;

  it('returns the first element child of Body and the Header', () => {
    const reply = openEnvelope(envelope11('\n  <r:Result xmlns:r="urn:r">1</r:Result>\n', '<soap:Header><h:T xmlns:h="urn:h"/></soap:Header>'), '1.1');
    expect(reply.version).toBe('1.1');
    expect([reply.body?.name, reply.body?.ns, reply.body?.text]).toEqual(['Result', 'urn:r', '1']);
    expect(reply.header?.children[0]?.name).toBe('T');
    expect(reply.fault).toBeNull();
  });

  it('returns a null body for an empty Body and a null header when there is none', () => {
    const reply = openEnvelope(envelope11('  '), '1.1');
    expect(reply.body).toBeNull();
    expect(reply.header).toBeNull();
    expect(reply.fault).toBeNull();
  });

  it('opens SOAP 1.2 envelopes, whatever the prefix, from bytes', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><e:Envelope xmlns:e="${SOAP12}"><e:Body><Ok/></e:Body></e:Envelope>`;
    expect(openEnvelope(new TextEncoder().encode(xml), '1.2').body?.name).toBe('Ok');
    expect(openEnvelope(`<Envelope xmlns="${SOAP12}"><Body><Ok xmlns=""/></Body></Envelope>`, '1.2').body?.ns).toBe('');
  });

  it('reports the other SOAP version as a version mismatch', () => {
    expect(envelopeErrorKind(() => openEnvelope(envelope11('<a/>'), '1.2'))).toBe('version-mismatch');
    const xml12 = `<env:Envelope xmlns:env="${SOAP12}"><env:Body/></env:Envelope>`;
    expect(envelopeErrorKind(() => openEnvelope(xml12, '1.1'))).toBe('version-mismatch');
  });

  it.each([
    ['another root', '<Result/>'],
    ['an Envelope without namespace', '<Envelope><Body/></Envelope>'],
    ['an Envelope in another namespace', '<s:Envelope xmlns:s="urn:other"><s:Body/></s:Envelope>'],
    ['a Body as root', `<soap:Body xmlns:soap="${SOAP11}"/>`],
  ])('refuses %s as not an envelope', (_, xml) => {
    expect(envelopeErrorKind(() => openEnvelope(xml, '1.1'))).toBe('not-an-envelope');
  });

  it('refuses an envelope without a Body in its namespace', () => {
    expect(envelopeErrorKind(() => openEnvelope(`<soap:Envelope xmlns:soap="${SOAP11}"/>`, '1.1'))).toBe('no-body');
    expect(envelopeErrorKind(() => openEnvelope(`<soap:Envelope xmlns:soap="${SOAP11}"><Body/></soap:Envelope>`, '1.1'))).toBe('no-body');
  });

  it('lets XML errors through unchanged, and honours limits', () => {
    const xxe = `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${envelope11('<a>&e;</a>')}`;
    expect(() => openEnvelope(xxe, '1.1')).toThrow(expect.objectContaining({ kind: 'doctype' }));
    try {
      openEnvelope(envelope11('<a><b/></a>'), '1.1', { maxBytes: 1_000, maxDepth: 3 });
      expect.unreachable();
    } catch (error) {
      expect(isXmlError(error) && error.kind).toBe('too-deep');
    }
  });

  it('exposes the envelope namespaces', () => {
    expect(envelopeNamespace).toEqual({ '1.1': SOAP11, '1.2': SOAP12 });
  });
});

describe('the errors of the SOAP layer', () => {
  const cause = new Error('underneath');
  it.each([
    ['SoapEnvelopeError', 'no-body', new SoapEnvelopeError('no-body', 'm', { cause }), isSoapEnvelopeError],
    ['SoapRequestError', 'invalid-name', new SoapRequestError('invalid-name', 'm', { cause }), isSoapRequestError],
    ['XmlError', 'too-deep', new XmlError('too-deep', 'm', { cause }), isXmlError],
    ['XmlWorkerError', 'hung', new XmlWorkerError('hung', 'm', { cause }), isXmlWorkerError],
  ] as const)('%s is an Error with its name, kind %j, message, cause and type guard', (name, kind, error, guard) => {
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.kind, error.message, error.cause]).toEqual([name, kind, 'm', cause]);
    expect(guard(error)).toBe(true);
    expect(guard(new Error('m'))).toBe(false);
  });
});
