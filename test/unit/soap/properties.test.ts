import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildEnvelope, defaultXmlLimits, isSoapEnvelopeError, isXmlError, openEnvelope, parseXml, XmlWorkerPool,
} from '../../../src/soap/index.js';
import { XmlDocument } from '../../../src/soap/xml-document.js';
import type { XmlElement, XmlNode } from '../../../src/soap/index.js';

const illegal = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Any text XML 1.0 can carry, biased towards the characters that need escaping. */
const xmlText = fc.array(
  fc.oneof(
    fc.constantFrom('<', '>', '&', '"', "'", ']]>', '&amp;', '&#65;', '<![CDATA[', '\t', '\n', '\r', '\r\n', ' ', '  ', '\u00A0', '😀', '\uFEFF'),
    fc.string({ unit: 'binary' }),
  ),
  { maxLength: 12 },
).map((parts) => parts.join('').replace(illegal, ''));

const ncName = fc.tuple(
  fc.constantFrom('a', 'B', '_', 'é', 'ж', '中'),
  fc.string({ unit: fc.constantFrom('a', 'z', '0', '9', '-', '.', '_', '·'), maxLength: 6 }),
).map(([start, rest]) => start + rest);

const namespace = fc.constantFrom(undefined, '', 'urn:a', 'urn:b', 'http://example.com/x?a=1&b="2"');

const leaf = fc.record({ name: ncName, ns: namespace, text: xmlText }, { requiredKeys: ['name'] });

/** Random trees: a node has either text or children, as buildEnvelope requires. */
const tree: fc.Arbitrary<XmlNode> = fc.letrec<{ node: XmlNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ name: ncName, ns: namespace, nil: fc.constant(true) }),
    fc.record({
      name: ncName,
      ns: namespace,
      attributes: fc.dictionary(ncName.filter((name) => name !== 'xmlns'), xmlText, { maxKeys: 3 }),
      children: fc.array(tie('node'), { maxLength: 4 }),
    }),
  ),
})).node;

function expectSameTree(parsed: XmlElement, written: XmlNode): void {
  expect(parsed.name).toBe(written.name);
  expect(parsed.ns).toBe(written.ns ?? '');
  expect(parsed.nil).toBe(written.nil === true);
  const children = written.children ?? [];
  if (children.length === 0) expect(parsed.text).toBe(written.text ?? '');
  const ownAttributes = { ...parsed.attributes };
  if (written.nil === true) delete ownAttributes.nil;
  expect(ownAttributes).toEqual(written.attributes ?? {});
  expect(parsed.children).toHaveLength(children.length);
  children.forEach((child, i) => expectSameTree(parsed.children[i] as XmlElement, child));
}

describe('build -> parse round trip', () => {
  it('gives back any text exactly, in element content and in attributes', () => {
    fc.assert(fc.property(xmlText, (text) => {
      const body = openEnvelope(buildEnvelope('1.1', { name: 'V', ns: 'urn:v', text, attributes: { a: text } }), '1.1').body;
      expect(body?.text).toBe(text);
      expect(body?.attributes.a).toBe(text);
    }), { numRuns: 1_000 });
  });

  it('gives back random trees: names, namespaces, nil, attributes and text', () => {
    fc.assert(fc.property(tree, fc.constantFrom('1.1' as const, '1.2' as const), (body, version) => {
      const reply = openEnvelope(buildEnvelope(version, body), version);
      expect(reply.body).not.toBeNull();
      expectSameTree(reply.body as XmlElement, body);
    }), { numRuns: 300 });
  });
});

/** Fragments that steer random input into the parser's interesting corners. */
const xmlish = fc.array(
  fc.oneof(
    fc.constantFrom(
      '<', '>', '</', '/>', '<a>', '</a>', '<b/>', '<p:a', 'xmlns', 'xmlns:p="urn:p"', ' xmlns=""', '=', '"', "'",
      '&', ';', '&#', '&#x', '&amp;', '&lt;', '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', '<?xml version="1.0"?>',
      '<!DOCTYPE', '<!ENTITY', ' ', '\n', '\r', 'a', ':', '__proto__', 'constructor', '\u0000', '\uD800', '\uFEFF', '😀',
    ),
    fc.string({ maxLength: 4 }),
  ),
  { maxLength: 40 },
).map((parts) => parts.join(''));

function throwsOnlyXmlErrors(run: () => unknown): boolean {
  try {
    run();
  } catch (error) {
    if (!isXmlError(error)) throw error;
  }
  return true;
}

describe('parseXml on arbitrary input', () => {
  it('throws nothing but XmlError for random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (input) => throwsOnlyXmlErrors(() => parseXml(input))), { numRuns: 2_000 });
  });

  it('throws nothing but XmlError for XML-like strings', () => {
    fc.assert(fc.property(xmlish, (input) => throwsOnlyXmlErrors(() => parseXml(input))), { numRuns: 3_000 });
  });

  it('throws nothing but XmlError for random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (input) => throwsOnlyXmlErrors(() => parseXml(input))), { numRuns: 2_000 });
  });

  it('throws nothing but XmlError or SoapEnvelopeError for mutated envelopes', () => {
    const valid = '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
      + '<soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>a &amp; b</faultstring>'
      + '<detail><e:E xmlns:e="urn:e" e:x="1"><![CDATA[<x>]]></e:E></detail></soap:Fault></soap:Body></soap:Envelope>';
    const mutation = fc.tuple(fc.nat({ max: valid.length }), fc.nat({ max: 8 }), xmlish);
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
      let input = valid;
      for (const [at, remove, insert] of mutations) input = input.slice(0, at) + insert + input.slice(at + remove);
      try {
        openEnvelope(input, '1.1');
      } catch (error) {
        if (!isXmlError(error) && !isSoapEnvelopeError(error)) throw error;
      }
    }), { numRuns: 3_000 });
  });
});

/** What a parse gives: the tree, or the kind of refusal. */
function shapeOf(element: XmlElement): unknown {
  return [element.name, element.ns, element.text, element.nil, Object.entries(element.attributes), element.children.map(shapeOf)];
}

function refusal(error: unknown): unknown {
  if (!isXmlError(error)) throw error;
  return error.kind === 'malformed' || error.kind === 'unbound-prefix' || error.kind === 'doctype' ? 'refused' : error.kind;
}

function outcome(run: () => XmlElement): unknown {
  try {
    return shapeOf(run());
  } catch (error) {
    return refusal(error);
  }
}

describe('the same document read as text, as UTF-8 bytes, and in a worker thread', () => {
  const documents = fc.oneof(
    xmlish,
    xmlish.map((inner) => `<r xmlns:p="urn:p">${inner}</r>`),
    tree.map((body) => buildEnvelope('1.1', body)),
  );
  const pool = new XmlWorkerPool({ size: 1 });
  afterAll(() => pool.close());

  it('gives the same tree or the same refusal from text and from bytes', () => {
    fc.assert(fc.property(documents, (text) => {
      // Lone surrogates cannot be encoded; the text reader refuses them on its own.
      if (/[\uD800-\uDFFF]/u.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) return;
      expect(outcome(() => parseXml(new TextEncoder().encode(text)))).toEqual(outcome(() => parseXml(text)));
    }), { numRuns: 3_000 });
  });

  it('gives the same tree or the same refusal on the event loop and in a worker', async () => {
    await fc.assert(fc.asyncProperty(documents, fc.boolean(), async (text, asBytes) => {
      const input = asBytes ? new TextEncoder().encode(text.replace(/[\uD800-\uDFFF]/g, '')) : text;
      const here = outcome(() => parseXml(input));
      const there = await pool.parse(input, defaultXmlLimits).then(
        (packed) => shapeOf(new XmlDocument(packed).root),
        refusal,
      );
      expect(there).toEqual(here);
    }), { numRuns: 1_000 });
  });
});
