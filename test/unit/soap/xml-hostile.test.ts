import { describe, expect, it } from 'vitest';
import { childrenNamed, defaultXmlLimits, isXmlError, parseXml } from '../../../src/soap/index.js';
import type { XmlErrorKind } from '../../../src/soap/index.js';
import { thrownKind } from './outcomes.js';

const kindOf = (run: () => unknown): XmlErrorKind | 'no error' => thrownKind(run, isXmlError);

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('DTDs are refused before parsing', () => {
  it('refuses XXE with a SYSTEM entity', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>';
    expect(kindOf(() => parseXml(xxe))).toBe('doctype');
  });

  it('refuses billion laughs', () => {
    const lol = ['<?xml version="1.0"?>', '<!DOCTYPE lolz [', '<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i - 1 || ''};`.repeat(10)}">`);
    lol.push(']>', '<lolz>&lol9;</lolz>');
    expect(kindOf(() => parseXml(lol.join('\n')))).toBe('doctype');
  });

  it.each([
    ['lowercase', '<!doctype r><r/>'],
    ['mixed case', '<!DocType r><r/>'],
    ['whitespace after <!', '<! DOCTYPE r><r/>'],
    ['newline after <!', '<!\nDOCTYPE r><r/>'],
    ['bare ENTITY', '<!ENTITY x "y"><r/>'],
    ['inside an element', '<r><!DOCTYPE r></r>'],
    ['after the root', '<r/><!DOCTYPE r>'],
    ['conditional section', '<r><![INCLUDE[<a/>]]></r>'],
    ['as bytes', encode('<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>')],
  ])('refuses a DTD declaration: %s', (_, input) => {
    expect(kindOf(() => parseXml(input))).toBe('doctype');
  });

  it('accepts the same text inside CDATA and comments', () => {
    const root = parseXml('<r><!-- <!DOCTYPE x> --><![CDATA[<!DOCTYPE x [<!ENTITY y "z">]>]]></r>');
    expect(root.text).toBe('<!DOCTYPE x [<!ENTITY y "z">]>');
  });

  it('refuses undeclared and HTML entities as malformed (never expands them)', () => {
    expect(kindOf(() => parseXml('<r>&xxe;</r>'))).toBe('malformed');
    expect(kindOf(() => parseXml('<r>&nbsp;</r>'))).toBe('malformed');
    expect(kindOf(() => parseXml('<r a="&copy;"/>'))).toBe('malformed');
  });
});

describe('limits', () => {
  it('refuses input over maxBytes before parsing, counting UTF-8 bytes', () => {
    const limits = { maxBytes: 20, maxDepth: 8 };
    expect(kindOf(() => parseXml('<r>0123456789</r>', limits))).toBe('no error'); // 17 bytes
    expect(kindOf(() => parseXml('<r>0123456789abcd</r>', limits))).toBe('too-large');
    expect(kindOf(() => parseXml('<r>ééééééé</r>', limits))).toBe('too-large'); // 14 chars, 21 bytes
    expect(kindOf(() => parseXml(encode('<r>0123456789abcd</r>'), limits))).toBe('too-large');
  });

  it('allows exactly maxDepth levels and refuses one more, leaves included', () => {
    const limits = { maxBytes: 1000, maxDepth: 3 };
    expect(kindOf(() => parseXml('<a><b><c>x</c></b></a>', limits))).toBe('no error');
    expect(kindOf(() => parseXml('<a><b><c/></b></a>', limits))).toBe('no error');
    expect(kindOf(() => parseXml('<a><b><c><d>x</d></c></b></a>', limits))).toBe('too-deep');
    expect(kindOf(() => parseXml('<a><b><c><d/></c></b></a>', limits))).toBe('too-deep');
  });

  it('refuses 10 000-deep nesting as too-deep, without a stack overflow', () => {
    const deep = '<a>'.repeat(10_000) + '</a>'.repeat(10_000);
    expect(kindOf(() => parseXml(deep))).toBe('too-deep');
    const deepLeaves = '<a>'.repeat(10_000) + '<b/>' + '</a>'.repeat(10_000);
    expect(kindOf(() => parseXml(deepLeaves))).toBe('too-deep');
  });

  it('builds a 10 000-deep tree without recursion when the limit allows it', () => {
    const deep = '<a>'.repeat(10_000) + 'x' + '</a>'.repeat(10_000);
    let element = parseXml(deep, { maxBytes: defaultXmlLimits.maxBytes, maxDepth: 10_000 });
    let depth = 1;
    while (element.children[0] !== undefined) {
      element = element.children[0];
      depth++;
    }
    expect(depth).toBe(10_000);
    expect(element.text).toBe('x');
  });

  it('refuses limits that would switch a guard off', () => {
    for (const limits of [{ maxBytes: 100, maxDepth: Number.NaN }, { maxBytes: 0, maxDepth: 8 }, { maxBytes: 100, maxDepth: 1.5 }]) {
      expect(() => parseXml('<r/>', limits)).toThrow(RangeError);
    }
  });

  it('has sensible defaults', () => {
    expect(defaultXmlLimits).toEqual({ maxBytes: 10 * 1024 * 1024, maxDepth: 64 });
  });
});

describe('character references', () => {
  it('decodes 5 000 numeric references correctly and quickly', () => {
    const codePoints = Array.from({ length: 5_000 }, (_, i) => 0x41 + (i % 26) + (i % 2 === 0 ? 0 : 0x1f600 - 0x41));
    const body = codePoints.map((cp, i) => (i % 3 === 0 ? `&#${cp};` : `&#x${cp.toString(16)};`)).join('');
    const started = performance.now();
    const root = parseXml(`<r a="${body}">${body}</r>`);
    const elapsed = performance.now() - started;
    const expected = String.fromCodePoint(...codePoints);
    expect(root.text).toBe(expected);
    expect(root.attributes.a).toBe(expected);
    expect(elapsed).toBeLessThan(1_000); // generous: guards against quadratic decoding only
  });

  it.each([
    ['NUL', '&#0;'], ['a C0 control', '&#x1;'], ['a surrogate', '&#xD800;'], ['U+FFFE', '&#xFFFE;'],
    ['beyond Unicode', '&#x110000;'], ['a huge number', `&#${'9'.repeat(40)};`], ['no digits', '&#;'],
    ['bad hex', '&#xZZ;'], ['uppercase X', '&#X41;'], ['no semicolon', '&#65'], ['a bare ampersand', 'a & b'],
    ['an empty reference', '&;'], ['too long', `&#${'0'.repeat(80)}65;`],
  ])('refuses %s as malformed', (_, text) => {
    expect(kindOf(() => parseXml(`<r>${text}</r>`))).toBe('malformed');
  });

  it('stays linear on text full of stray ampersands', () => {
    const started = performance.now();
    expect(kindOf(() => parseXml(`<r>${'&'.repeat(200_000)}</r>`))).toBe('malformed');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('encoding', () => {
  it('refuses bytes that are not valid UTF-8', () => {
    const bytes = new Uint8Array([...encode('<r>'), 0xc3, 0x28, ...encode('</r>')]);
    expect(kindOf(() => parseXml(bytes))).toBe('encoding');
    expect(kindOf(() => parseXml(new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x72, 0x00])))).toBe('encoding');
  });

  it('reads UTF-8 bytes, dropping a BOM', () => {
    const root = parseXml(new Uint8Array([0xef, 0xbb, 0xbf, ...encode('<r>grüße 😀</r>')]));
    expect(root.text).toBe('grüße 😀');
  });

  it('accepts another declared encoding only while the content is pure ASCII', () => {
    expect(parseXml(encode('<?xml version="1.0" encoding="ISO-8859-1"?><r>plain</r>')).text).toBe('plain');
    expect(kindOf(() => parseXml(encode('<?xml version="1.0" encoding="ISO-8859-1"?><r>é</r>')))).toBe('encoding');
    expect(parseXml(encode('<?xml version="1.0" encoding="UTF-8"?><r>é</r>')).text).toBe('é');
  });

  it('refuses invalid UTF-8 of every kind, and reads any valid UTF-8', () => {
    const wrap = (...middle: number[]) => new Uint8Array([...encode('<r>'), ...middle, ...encode('</r>')]);
    expect(kindOf(() => parseXml(wrap(0xc0, 0xaf)))).toBe('encoding'); // overlong '/'
    expect(kindOf(() => parseXml(wrap(0xed, 0xa0, 0x80)))).toBe('encoding'); // an encoded surrogate
    expect(kindOf(() => parseXml(wrap(0xf4, 0x90, 0x80, 0x80)))).toBe('encoding'); // beyond U+10FFFF
    expect(kindOf(() => parseXml(wrap(0xe2, 0x82)))).toBe('encoding'); // cut short
    expect(parseXml(encode('<ré a="ü">😀 &amp; ß</ré>')).attributes.a).toBe('ü');
    expect(parseXml(encode('<ré a="ü">😀 &amp; ß</ré>')).text).toBe('😀 & ß');
  });

  it('refuses characters XML 1.0 does not allow in bytes too', () => {
    expect(kindOf(() => parseXml(encode('<r>\uFFFE</r>')))).toBe('malformed');
    expect(kindOf(() => parseXml(encode('<r a="\uFFFF"/>')))).toBe('malformed');
    expect(kindOf(() => parseXml(encode('<r>\u0001</r>')))).toBe('malformed');
    expect(kindOf(() => parseXml(encode('<r><!-- \u001b --></r>')))).toBe('malformed');
    expect(parseXml(encode('<r>\u0085\uFFFD\u{10FFFF}</r>')).text).toBe('\u0085\uFFFD\u{10FFFF}');
  });

  it('refuses characters XML 1.0 does not allow, literal or not', () => {
    expect(kindOf(() => parseXml('<r>\u0000</r>'))).toBe('malformed');
    expect(kindOf(() => parseXml('<r>\u001b[31m</r>'))).toBe('malformed');
    expect(kindOf(() => parseXml('<r>\uD800</r>'))).toBe('malformed');
    expect(kindOf(() => parseXml('<r>\uFFFF</r>'))).toBe('malformed');
  });
});

describe('prototype pollution', () => {
  it('parses __proto__, constructor and prototype as ordinary names', () => {
    const root = parseXml('<constructor __proto__="p" constructor="c" toString="t"><__proto__>x</__proto__><prototype/><hasOwnProperty/></constructor>');
    expect(root.name).toBe('constructor');
    expect(root.children.map((child) => child.name)).toEqual(['__proto__', 'prototype', 'hasOwnProperty']);
    expect(childrenNamed(root, '__proto__')[0]?.text).toBe('x');
    expect(Object.keys(root.attributes)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(root.attributes.__proto__).toBe('p');
    expect(Object.getPrototypeOf(root.attributes)).toBeNull();
    expect(({} as Record<string, unknown>).p).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('p');
  });

  it('indexes a wide element with a __proto__ child safely', () => {
    const root = parseXml(`<r>${'<a/>'.repeat(20)}<__proto__>x</__proto__><constructor/></r>`);
    expect(childrenNamed(root, '__proto__').map((child) => child.text)).toEqual(['x']);
    expect(childrenNamed(root, 'constructor')).toHaveLength(1);
    expect(childrenNamed(root, 'toString')).toEqual([]);
  });
});

describe('malformed documents', () => {
  it.each([
    ['empty input', ''],
    ['only whitespace', '  \n'],
    ['only a declaration', '<?xml version="1.0"?>'],
    ['only a comment', '<!-- c -->'],
    ['text before the root', 'x<r/>'],
    ['text after the root', '<r/>x'],
    ['a second root', '<r/><s/>'],
    ['an unclosed root', '<r>'],
    ['an unclosed child', '<r><a></r>'],
    ['mismatched tags', '<r><a></b></r>'],
    ['a close tag that is a prefix of the open one', '<abc></ab>'],
    ['a stray end tag', '</r>'],
    ['an unterminated start tag', '<r'],
    ['a lone <', '<r><</r>'],
    ['< in an attribute value', '<r a="<"/>'],
    ['an unquoted attribute', '<r a=1/>'],
    ['an attribute without value', '<r a/>'],
    ['a duplicate attribute', '<r a="1" a="2"/>'],
    ['attributes without whitespace', '<r a="1"b="2"/>'],
    ['an unterminated attribute value', '<r a="1/>'],
    ['an invalid element name', '<1r/>'],
    ['an invalid name character', '<r\u00A0x/>'],
    ['a name with two colons', '<a:b:c/>'],
    ['an unclosed comment', '<r><!-- x</r>'],
    ['an unclosed CDATA section', '<r><![CDATA[x</r>'],
    ['CDATA outside the root', '<![CDATA[x]]><r/>'],
    ['a lowercase CDATA marker', '<r><![cdata[x]]></r>'],
    [']]> in text', '<r>a]]>b</r>'],
    ['an XML declaration later on', '<r><?xml version="1.0"?></r>'],
    ['an unclosed processing instruction', '<r><?pi x</r>'],
    ['a quote-straddled processing instruction', '<r><?pi "?><a>"?></r>'],
    ['a space before the name', '< r/>'],
    ['a bogus <! declaration', '<r><!foo></r>'],
  ])('refuses %s', (_, input) => {
    expect(kindOf(() => parseXml(input))).toBe('malformed');
  });

  it('accepts whitespace inside end tags and around the root', () => {
    expect(parseXml('\n<r><a>1</a ></r >\n\n').children[0]?.text).toBe('1');
  });

  it('refuses input of the wrong type with an XmlError', () => {
    expect(kindOf(() => parseXml(42 as unknown as string))).toBe('encoding');
  });
});
