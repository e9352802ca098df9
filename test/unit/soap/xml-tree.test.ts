import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  attributeNS, childrenNamed, parseXml, resolveQName, isXmlError, XmlError,
} from '../../../src/soap/index.js';
import type { XmlElement, XmlErrorKind } from '../../../src/soap/index.js';
import { XmlDocument, transferList, type PackedDocument } from '../../../src/soap/xml-document.js';
import { parsePacked } from '../../../src/soap/xml-tree.js';
import { thrownKind } from './outcomes.js';

const kindOf = (run: () => unknown): XmlErrorKind | 'no error' => thrownKind(run, isXmlError);

function only(element: XmlElement, name: string): XmlElement {
  const [found, ...rest] = childrenNamed(element, name);
  if (found === undefined || rest.length > 0) throw new Error(`expected exactly one <${name}>`);
  return found;
}

describe('parseXml: shape of the tree', () => {
  it('returns the document element with local names, children in order and own text', () => {
    const root = parseXml('<?xml version="1.0"?>\n<root><a>1</a><b/><a>2</a></root>\n');
    expect(root.name).toBe('root');
    expect(root.ns).toBe('');
    expect(root.children.map((child) => child.name)).toEqual(['a', 'b', 'a']);
    expect(childrenNamed(root, 'a').map((a) => a.text)).toEqual(['1', '2']);
    expect(only(root, 'b').text).toBe('');
  });

  it('keeps text exactly: untrimmed, never typed, CDATA included, comments and PIs dropped', () => {
    const root = parseXml('<r><zip> 006 </zip><amount>1.10</amount><m>a<!-- c -->b<![CDATA[<&>]]>c<?pi x?>d</m><bool>true</bool></r>');
    expect(only(root, 'zip').text).toBe(' 006 ');
    expect(only(root, 'amount').text).toBe('1.10');
    expect(only(root, 'm').text).toBe('ab<&>cd');
    expect(only(root, 'bool').text).toBe('true');
  });

  it('keeps whitespace between child elements as the parent\'s own text', () => {
    const root = parseXml('<r>\n  <a/>\n</r>');
    expect(root.text).toBe('\n  \n');
  });

  it('normalizes line endings as XML requires, but keeps a CR written as a reference', () => {
    expect(parseXml('<r>a\r\nb\rc&#13;</r>').text).toBe('a\nb\nc\r');
  });

  it('decodes the five entities and numeric references in text and attributes', () => {
    const root = parseXml('<r a="&lt;&amp;&gt;&quot;&apos;&#65;&#x42;">&lt;&amp;&gt;&quot;&apos;&#65;&#x1F600;&#0000067;</r>');
    expect(root.text).toBe('<&>"\'A😀C');
    expect(root.attributes.a).toBe('<&>"\'AB');
  });

  it('does not decode entities inside CDATA', () => {
    expect(parseXml('<r><![CDATA[&amp;&#65;]]></r>').text).toBe('&amp;&#65;');
  });

  it('normalizes literal whitespace in attribute values but keeps referenced whitespace', () => {
    expect(parseXml('<r a="x\ty\nz&#10;&#9;"/>').attributes.a).toBe('x y z\n\t');
  });

  it('accepts single-quoted attributes, whitespace around =, and > inside values', () => {
    const root = parseXml(`<r a = 'say "hi" > bye' b="it's"/>`);
    expect(root.attributes).toEqual({ a: 'say "hi" > bye', b: "it's" });
  });

  it('leaves attributes and children empty when there are none', () => {
    const root = parseXml('<r/>');
    expect(Object.keys(root.attributes)).toEqual([]);
    expect(root.children).toEqual([]);
    expect(root.nil).toBe(false);
  });

  it('accepts a BOM and whitespace before the XML declaration', () => {
    expect(parseXml('\uFEFF<?xml version="1.0"?><r/>').name).toBe('r');
    expect(parseXml('\n  <?xml version="1.0"?><r/>').name).toBe('r');
  });
});

describe('parseXml: namespaces', () => {
  it('resolves prefixes and the default namespace with proper scoping', () => {
    const root = parseXml(`
      <s:Envelope xmlns:s="urn:s" xmlns="urn:default">
        <s:Body><a><b xmlns="urn:inner"><c/></b><d xmlns=""/></a></s:Body>
      </s:Envelope>`);
    expect([root.name, root.ns]).toEqual(['Envelope', 'urn:s']);
    const body = only(root, 'Body');
    const a = only(body, 'a');
    expect(a.ns).toBe('urn:default');
    const b = only(a, 'b');
    expect(b.ns).toBe('urn:inner');
    expect(only(b, 'c').ns).toBe('urn:inner');
    expect(only(a, 'd').ns).toBe('');
  });

  it('handles a prefix redeclared in a nested scope and restored after it', () => {
    const root = parseXml('<p:r xmlns:p="urn:one"><p:a xmlns:p="urn:two"><p:b/></p:a><p:c/></p:r>');
    const a = only(root, 'a');
    expect(a.ns).toBe('urn:two');
    expect(only(a, 'b').ns).toBe('urn:two');
    expect(only(root, 'c').ns).toBe('urn:one');
  });

  it('does not apply the default namespace to attributes', () => {
    const root = parseXml('<r xmlns="urn:d" xmlns:p="urn:p" a="1" p:b="2"/>');
    expect(root.attributes).toEqual({ a: '1', b: '2' });
    expect(attributeNS(root, '', 'a')).toBe('1');
    expect(attributeNS(root, 'urn:d', 'a')).toBeUndefined();
    expect(attributeNS(root, 'urn:p', 'b')).toBe('2');
  });

  it('excludes xmlns declarations from attributes', () => {
    expect(Object.keys(parseXml('<r xmlns="urn:a" xmlns:b="urn:b" c="1"/>').attributes)).toEqual(['c']);
  });

  it('lets an unprefixed attribute win a local-name clash with a prefixed one', () => {
    const root = parseXml('<r xmlns:p="urn:p" p:id="qualified" id="plain"/>');
    expect(root.attributes.id).toBe('plain');
    expect(attributeNS(root, 'urn:p', 'id')).toBe('qualified');
  });

  it('knows the xml prefix without a declaration', () => {
    const root = parseXml('<r xml:lang="en"/>');
    expect(attributeNS(root, 'http://www.w3.org/XML/1998/namespace', 'lang')).toBe('en');
  });

  it('refuses unbound prefixes on elements and attributes', () => {
    expect(kindOf(() => parseXml('<p:r/>'))).toBe('unbound-prefix');
    expect(kindOf(() => parseXml('<r p:a="1"/>'))).toBe('unbound-prefix');
    expect(kindOf(() => parseXml('<r><a xmlns:p="urn:p"/><p:b/></r>'))).toBe('unbound-prefix');
  });

  it('refuses declarations that Namespaces in XML forbids', () => {
    expect(kindOf(() => parseXml('<r xmlns:p=""/>'))).toBe('malformed');
    expect(kindOf(() => parseXml('<r xmlns:xml="urn:other"/>'))).toBe('malformed');
    expect(kindOf(() => parseXml('<r xmlns:xmlns="urn:x"/>'))).toBe('malformed');
    expect(kindOf(() => parseXml('<xmlns:r/>'))).toBe('malformed');
    expect(kindOf(() => parseXml('<r xmlns:a="urn:x" xmlns:b="urn:x" a:c="1" b:c="2"/>'))).toBe('malformed');
    expect(kindOf(() => parseXml('<a:b:c xmlns:a="urn:a"/>'))).toBe('malformed');
  });

  it('marks xsi:nil only when the prefix is really bound to the XSI namespace', () => {
    const root = parseXml(`
      <r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fake="urn:not-xsi">
        <a xsi:nil="true"/><b xsi:nil="1"/><c xsi:nil="false"/><d fake:nil="true"/><e nil="true"/>
        <f xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil=" true "/>
      </r>`);
    expect(root.children.map((child) => [child.name, child.nil])).toEqual([
      ['a', true], ['b', true], ['c', false], ['d', false], ['e', false], ['f', true],
    ]);
  });
});

describe('parseXml: repeated tags', () => {
  it('gives elements with the same attributes one frozen set, so no reader can change another\'s', () => {
    const root = parseXml(`<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${'<e xsi:nil="true" a="1"/>'.repeat(3)}<e a="2"/></r>`);
    const [first, second, , last] = root.children;
    expect(first?.attributes).toBe(second?.attributes);
    expect(Object.isFrozen(first?.attributes)).toBe(true);
    expect(() => {
      (first?.attributes as Record<string, string>).a = 'changed';
    }).toThrow(TypeError);
    expect([second?.attributes.a, second?.nil, last?.attributes.a, last?.nil]).toEqual(['1', true, '2', false]);
  });

  it('keeps thousands of distinct scopes and attribute sets apart, past every table\'s first size', () => {
    const tags = Array.from({ length: 3_000 }, (_, i) => `<e xmlns:q${i}="urn:q${i}" a="${i}" q${i}:b="${i * 2}"><q${i}:x/></e>`);
    const root = parseXml(`<r>${tags.join('')}</r>`);
    const read = root.children.map((e) => [e.attributes.a, attributeNS(e, `urn:q${e.attributes.a}`, 'b'), e.children[0]?.ns]);
    expect(read).toEqual(Array.from({ length: 3_000 }, (_, i) => [String(i), String(i * 2), `urn:q${i}`]));
  });
});

describe('a packed document sent to another thread', () => {
  interface Plain { name: string; ns: string; attributes: Record<string, string>; text: string; children: Plain[] }
  const plain = (element: XmlElement): Plain => ({
    name: element.name,
    ns: element.ns,
    attributes: { ...element.attributes },
    text: element.text,
    children: element.children.map(plain),
  });

  function sent(packed: PackedDocument): PackedDocument {
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage(packed, transferList(packed));
      return receiveMessageOnPort(port2)?.message as PackedDocument;
    } finally {
      port1.close();
    }
  }

  // A small document keeps every list in the buffer they start in; a large one moves some out.
  const small = '<r xmlns="urn:r" xmlns:p="urn:p"><a p:k="1">x &amp; y</a><b/></r>';
  const large = `<r xmlns="urn:r">${Array.from({ length: 500 }, (_, i) => `<e>${i}</e>`).join('')}</r>`;

  it.each([['small', small], ['large', large]])('reads the same there, %s', (_, xml) => {
    const packed = parsePacked(xml);
    const received = sent(packed);
    expect(packed.nodes.byteLength).toBe(0); // moved, not copied
    expect(plain(new XmlDocument(received).root)).toEqual(plain(parseXml(xml)));
  });
});

describe('resolveQName', () => {
  const root = parseXml('<r xmlns="urn:d" xmlns:p="urn:p"><a xmlns:p="urn:inner"><code> p:Client </code></a><q>Server</q></r>');
  const code = only(only(root, 'a'), 'code');

  it('uses the bindings in scope at the element, trimming the value', () => {
    expect(resolveQName(code, code.text)).toEqual({ ns: 'urn:inner', local: 'Client' });
    expect(resolveQName(root, 'p:x')).toEqual({ ns: 'urn:p', local: 'x' });
  });

  it('gives an unprefixed QName the default namespace', () => {
    expect(resolveQName(only(root, 'q'), 'Server')).toEqual({ ns: 'urn:d', local: 'Server' });
  });

  it('refuses unbound prefixes and non-QNames', () => {
    expect(kindOf(() => resolveQName(code, 'nope:Client'))).toBe('unbound-prefix');
    expect(kindOf(() => resolveQName(code, 'a b'))).toBe('malformed');
    expect(kindOf(() => resolveQName(code, ''))).toBe('malformed');
  });

  it('knows only the xml prefix on elements it did not parse', () => {
    const made: XmlElement = { name: 'x', ns: '', attributes: {}, children: [], text: '', nil: false };
    expect(resolveQName(made, 'xml:lang').ns).toBe('http://www.w3.org/XML/1998/namespace');
    expect(resolveQName(made, 'Client')).toEqual({ ns: '', local: 'Client' });
    expect(kindOf(() => resolveQName(made, 'soap:Client'))).toBe('unbound-prefix');
  });
});

describe('childrenNamed', () => {
  it('filters by local name and, when given, namespace', () => {
    const root = parseXml('<r xmlns:a="urn:a" xmlns:b="urn:b"><a:x>1</a:x><b:x>2</b:x><x>3</x><y/></r>');
    expect(childrenNamed(root, 'x').map((x) => x.text)).toEqual(['1', '2', '3']);
    expect(childrenNamed(root, 'x', 'urn:b').map((x) => x.text)).toEqual(['2']);
    expect(childrenNamed(root, 'x', '').map((x) => x.text)).toEqual(['3']);
    expect(childrenNamed(root, 'z')).toEqual([]);
  });

  it('gives the same answers through its index on wide elements', () => {
    const items = Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? `<b>${i}</b>` : `<a>${i}</a>`)).join('');
    const root = parseXml(`<r>${items}</r>`);
    const expected = root.children.filter((child) => child.name === 'b').map((child) => child.text);
    expect(childrenNamed(root, 'b').map((b) => b.text)).toEqual(expected);
    expect(childrenNamed(root, 'b').map((b) => b.text)).toEqual(expected); // served from the index
    expect(childrenNamed(root, 'c')).toEqual([]);
  });

  it('returns a fresh array each time, so callers cannot corrupt the index', () => {
    const root = parseXml(`<r>${'<a/>'.repeat(40)}</r>`);
    childrenNamed(root, 'a').length = 0;
    expect(childrenNamed(root, 'a')).toHaveLength(40);
  });

  it('works on hand-made elements too', () => {
    const child: XmlElement = { name: 'a', ns: 'urn:x', attributes: {}, children: [], text: '1', nil: false };
    const made: XmlElement = { name: 'r', ns: '', attributes: {}, children: [child], text: '', nil: false };
    expect(childrenNamed(made, 'a', 'urn:x')).toEqual([child]);
  });
});

describe('XmlError', () => {
  it('is an Error with a kind and a type guard', () => {
    const error = new XmlError('malformed', 'x');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('XmlError');
    expect([error.kind, error.message]).toEqual(['malformed', 'x']);
    expect(isXmlError(error)).toBe(true);
    expect(isXmlError(new Error('x'))).toBe(false);
  });
});
