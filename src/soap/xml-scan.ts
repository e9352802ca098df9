import { XmlError } from './xml-error.js';
import { isQName, isNCName } from './xml-names.js';
import { describeCodeUnit, findIllegalCharacter } from './xml-text.js';

/**
 * Proves, in one linear pass, that a document is well-formed where fast-xml-parser is lenient:
 * it accepts mismatched and unclosed tags, text or a second element after the root, and expands
 * DOCTYPEs. It also enforces the depth limit before any tree exists, without recursion.
 * Entity references are checked later, when text is decoded. This is a validator, not a parser:
 * the tree always comes from fast-xml-parser.
 */
export function checkWellFormed(xml: string, maxDepth: number): void {
  const illegal = findIllegalCharacter(xml);
  if (illegal !== -1) {
    throw new XmlError('malformed', `character ${describeCodeUnit(xml, illegal)} at offset ${illegal} is not allowed in XML`);
  }
  new Scanner(xml, maxDepth, false).run();
}

/** Where the head of a SOAP envelope ends: see {@link scanEnvelopeHead}. */
export interface EnvelopeHead {
  /** Offset just after the markup that ended the head. */
  readonly end: number;
  /** The qualified names of the elements open at `end`, as written, outermost first. */
  readonly open: readonly string[];
  /** `element`: the Body's first element has started (and perhaps ended); `empty-body`: the Body ended without one. */
  readonly found: 'element' | 'empty-body';
}

/**
 * Checks the markup of a document only as far as the start of the SOAP Body's first element
 * (a grandchild of the root under a child whose local name is Body), or the end of a Body without
 * element children, and says where that is. Returns null when the text ends first, which for
 * the start of a document means "read more". Throws {@link XmlError} for a flaw on the way
 * (a DTD, broken markup, excessive depth). Characters are not checked here: the head is parsed
 * again, whole, before anything is read from it.
 */
export function scanEnvelopeHead(xml: string, maxDepth: number): EnvelopeHead | null {
  return new Scanner(xml, maxDepth, true).run();
}

const TAB = 9, LF = 10, CR = 13, SPACE = 32;
const BANG = 33, DQUOTE = 34, SQUOTE = 39, SLASH = 47, EQUALS = 61, GT = 62, QUESTION = 63;

// ASCII characters that may continue a (Q)Name; non-ASCII ones are left to the name pattern.
const asciiNameChar = new Uint8Array(128);
for (const range of ['AZ', 'az', '09']) {
  for (let c = range.charCodeAt(0); c <= range.charCodeAt(1); c++) asciiNameChar[c] = 1;
}
for (const c of '_-.:') asciiNameChar[c.charCodeAt(0)] = 1;

function isWhitespace(code: number): boolean {
  return code === SPACE || code === LF || code === TAB || code === CR;
}

const dtdKeyword = /^<!\s*(?:doctype|entity|element|attlist|notation|\[\s*(?:include|ignore|%))/i;

class Scanner {
  private readonly open: string[] = [];
  private readonly knownNames = new Set<string>();
  private rootClosed = false;
  private sawMarkup = false;
  /** Memo of the next '<' at or after some offset, so attribute checks stay linear. */
  private nextLt = -1;
  /** In head mode: what ended the head, once it has ended. */
  private found: EnvelopeHead['found'] | null = null;

  constructor(
    private readonly xml: string,
    private readonly maxDepth: number,
    /** Stop at the end of a SOAP envelope's head (see scanEnvelopeHead). */
    private readonly headOnly: boolean,
  ) {}

  /** Checks the document; in head mode, returns where the head ends, or null when the text ends first. */
  run(): EnvelopeHead | null {
    const { xml } = this;
    let pos = 0;
    while (pos < xml.length) {
      const lt = xml.indexOf('<', pos);
      const textEnd = lt === -1 ? xml.length : lt;
      if (this.open.length === 0 && textEnd > pos) this.requireWhitespace(pos, textEnd);
      if (lt === -1) break;
      pos = this.markup(lt);
      this.sawMarkup = true;
      if (this.found !== null) return { end: pos, open: [...this.open], found: this.found };
    }
    if (this.headOnly) return null;
    const unclosed = this.open[this.open.length - 1];
    if (unclosed !== undefined) throw malformed(`element <${unclosed}> is not closed`);
    if (!this.rootClosed) throw malformed('no root element');
    return null;
  }

  /** Returns the offset just after the markup that starts at `lt`. */
  private markup(lt: number): number {
    const next = this.xml.charCodeAt(lt + 1);
    if (next === SLASH) return this.endTag(lt);
    if (next === QUESTION) return this.processingInstruction(lt);
    if (next === BANG) return this.declaration(lt);
    return this.startTag(lt);
  }

  private startTag(lt: number): number {
    const { xml } = this;
    if (this.rootClosed) throw malformed(`second root element at offset ${lt}`);
    let pos = this.nameEnd(lt + 1);
    const name = this.qName(lt + 1, pos, 'element');
    let attributes: string[] | Set<string> | null = null;
    for (;;) {
      const whitespaceStart = pos;
      pos = this.skipWhitespace(pos);
      const code = xml.charCodeAt(pos);
      if (code === GT) {
        this.enter(name);
        return pos + 1;
      }
      if (code === SLASH && xml.charCodeAt(pos + 1) === GT) {
        this.enter(name);
        this.leave();
        return pos + 2;
      }
      if (pos === whitespaceStart) throw malformed(`start tag <${name}> is malformed at offset ${pos}`);
      const nameStart = pos;
      pos = this.nameEnd(pos);
      const attribute = this.qName(nameStart, pos, 'attribute');
      attributes = rememberAttribute(attributes, attribute, name);
      pos = this.attributeValueEnd(this.skipWhitespace(pos), name);
    }
  }

  /** `pos` is just after the attribute name; returns the offset after the closing quote. */
  private attributeValueEnd(pos: number, element: string): number {
    const { xml } = this;
    if (xml.charCodeAt(pos) !== EQUALS) throw malformed(`attribute without value in <${element}> at offset ${pos}`);
    pos = this.skipWhitespace(pos + 1);
    const quote = xml.charCodeAt(pos);
    if (quote !== DQUOTE && quote !== SQUOTE) throw malformed(`unquoted attribute value in <${element}> at offset ${pos}`);
    const close = xml.indexOf(quote === DQUOTE ? '"' : "'", pos + 1);
    if (close === -1) throw malformed(`unterminated attribute value in <${element}>`);
    if (this.nextLt < pos) this.nextLt = xml.indexOf('<', pos);
    if (this.nextLt !== -1 && this.nextLt < close) throw malformed(`'<' in an attribute value of <${element}>`);
    return close + 1;
  }

  private endTag(lt: number): number {
    const { xml } = this;
    const expected = this.open[this.open.length - 1];
    const nameStart = lt + 2;
    const nameEnd = this.nameEnd(nameStart);
    if (expected === undefined || nameEnd - nameStart !== expected.length || !xml.startsWith(expected, nameStart)) {
      const found = xml.slice(nameStart, nameEnd);
      throw malformed(expected === undefined
        ? `end tag </${found}> without a start tag`
        : `end tag </${found}> does not match <${expected}>`);
    }
    const pos = this.skipWhitespace(nameEnd);
    if (xml.charCodeAt(pos) !== GT) throw malformed(`end tag </${expected}> is malformed`);
    this.leave();
    return pos + 1;
  }

  private processingInstruction(lt: number): number {
    const { xml } = this;
    const targetEnd = this.nameEnd(lt + 2);
    const target = xml.slice(lt + 2, targetEnd);
    if (!isNCName(target)) throw malformed(`processing instruction at offset ${lt} has no valid target`);
    // The declaration may only open the document; we tolerate leading whitespace, which some
    // servers emit and which changes nothing.
    if (target.toLowerCase() === 'xml' && this.sawMarkup) throw malformed('XML declaration not at the start');
    const end = xml.indexOf('?>', targetEnd);
    if (end === -1) throw malformed(`processing instruction <?${target} is not closed`);
    if (end !== targetEnd && !isWhitespace(xml.charCodeAt(targetEnd))) throw malformed(`processing instruction <?${target} is malformed`);
    this.requireSameEndAsTagReader(lt + 1, end);
    return end + 2;
  }

  /**
   * fast-xml-parser reads a processing instruction like a tag and skips quoted strings while
   * looking for '?>'; XML ends it at the first '?>'. Refuse the documents where they disagree,
   * or the two readers would see different markup after it.
   */
  private requireSameEndAsTagReader(from: number, end: number): void {
    const { xml } = this;
    for (let i = from; i < end; i++) {
      const code = xml.charCodeAt(i);
      if (code === DQUOTE || code === SQUOTE) {
        i = xml.indexOf(code === DQUOTE ? '"' : "'", i + 1);
        if (i === -1 || i >= end) throw malformed('unbalanced quote in a processing instruction');
      }
    }
  }

  private declaration(lt: number): number {
    const { xml } = this;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end === -1) throw malformed('comment is not closed');
      return end + 3;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      if (this.open.length === 0) throw malformed('CDATA section outside the root element');
      const end = xml.indexOf(']]>', lt + 9);
      if (end === -1) throw malformed('CDATA section is not closed');
      return end + 3;
    }
    // Any other '<!' is DTD syntax or garbage; both are refused, DTD syntax by its own kind.
    if (dtdKeyword.test(xml.slice(lt, lt + 64))) {
      throw new XmlError('doctype', `DTD declarations are not accepted (offset ${lt})`);
    }
    throw malformed(`unexpected '<!' at offset ${lt}`);
  }

  private enter(name: string): void {
    if (this.open.length >= this.maxDepth) {
      throw new XmlError('too-deep', `elements are nested deeper than ${this.maxDepth}`);
    }
    this.open.push(name);
    if (this.headOnly && this.found === null && this.open.length === 3 && isBody(this.open[1]!)) this.found = 'element';
  }

  private leave(): void {
    const name = this.open.pop();
    if (this.headOnly && this.found === null && this.open.length === 1 && isBody(name!)) this.found = 'empty-body';
    if (this.open.length === 0) this.rootClosed = true;
  }

  private nameEnd(pos: number): number {
    const { xml } = this;
    while (pos < xml.length) {
      const code = xml.charCodeAt(pos);
      if (code < 128 && asciiNameChar[code] === 0) break;
      pos++;
    }
    return pos;
  }

  private qName(start: number, end: number, what: string): string {
    const name = this.xml.slice(start, end);
    if (!this.knownNames.has(name)) {
      if (!isQName(name)) throw malformed(`invalid ${what} name '${name}' at offset ${start}`);
      this.knownNames.add(name);
    }
    return name;
  }

  private skipWhitespace(pos: number): number {
    while (isWhitespace(this.xml.charCodeAt(pos))) pos++;
    return pos;
  }

  private requireWhitespace(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      if (!isWhitespace(this.xml.charCodeAt(i))) throw malformed(`text outside the root element at offset ${i}`);
    }
  }
}

function isBody(qname: string): boolean {
  return qname === 'Body' || qname.endsWith(':Body');
}

function rememberAttribute(seen: string[] | Set<string> | null, name: string, element: string): string[] | Set<string> {
  if (seen === null) return [name];
  const duplicate = Array.isArray(seen) ? seen.includes(name) : seen.has(name);
  if (duplicate) throw malformed(`duplicate attribute '${name}' in <${element}>`);
  if (Array.isArray(seen)) {
    seen.push(name);
    // Switch to a set before a tag with many attributes makes the check quadratic.
    return seen.length > 8 ? new Set(seen) : seen;
  }
  return seen.add(name);
}

function malformed(message: string): XmlError {
  return new XmlError('malformed', message);
}
