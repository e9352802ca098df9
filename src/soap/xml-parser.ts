import { XmlError } from './xml-error.js';
import {
  lookupNamespace, rootScope, TextKind, XmlDocument, type ElementAttributes, type ElementView,
  type NamespaceScope, type QualifiedAttribute,
} from './xml-element.js';
import { XML_NAMESPACE, XMLNS_NAMESPACE, XSI_NAMESPACE, isNCName, isQName } from './xml-names.js';
import { decodeAttributeValue, decodeCharacterData, describeCodeUnit, findIllegalCharacter, normalizeLineEnds } from './xml-text.js';

/**
 * Reads a document in one linear pass into an {@link XmlDocument}, proving it
 * well-formed and namespace-well-formed as it goes: matched tags, one root, no text outside it,
 * no DTD of any kind (refused, never expanded), only XML's five entities and numeric references,
 * only XML 1.0 characters, bound prefixes, no duplicate attributes. The depth limit is enforced
 * on every start tag, and nothing recurses, so no input can overflow the stack.
 *
 * It is resumable: `parse(until)` reads markup up to an offset and can be called again, which
 * lets a large reply be read in slices that leave the event loop free between them. Every step
 * leaves the parser consistent; the first error ends it.
 */
export class XmlParser {
  private readonly xml: string;
  private readonly bytes: Buffer | null;
  readonly document: XmlDocument;
  private pos = 0;
  /** Input before this offset has been checked for characters XML does not allow. */
  private checked = 0;
  /** The open elements, innermost last, with their qualified names (for end tags) and scopes. */
  private readonly open: number[] = [];
  private readonly openNames: QNameParts[] = [];
  private readonly openScopes: NamespaceScope[] = [];
  private readonly openScopeIds: number[] = [];
  private readonly names = new Map<string, QNameParts>();
  private readonly attributedTags = new Map<string, Attributed>();
  private rootClosed = false;
  private sawMarkup = false;
  private finished = false;
  /** Memo of the next '<' at or after some offset, so attribute checks stay linear. */
  private nextLt = -1;
  /** Where the next non-ASCII byte (bytes only), '&', CR and ']]>' are: text without them needs no decoding. */
  private readonly nextHigh: NextIndex;
  private readonly nextAmpersand: NextIndex;
  private readonly nextCr: NextIndex;
  private readonly nextCdataEnd: NextIndex;

  constructor(
    source: XmlSource,
    private readonly maxDepth: number,
  ) {
    const { markup, bytes } = source;
    this.xml = markup;
    this.bytes = bytes;
    this.document = new XmlDocument(markup, bytes);
    this.nextHigh = new NextIndex(bytes === null ? () => Infinity : (from) => {
      highByte.lastIndex = from;
      return highByte.exec(markup)?.index ?? Infinity;
    });
    this.nextAmpersand = new NextIndex((from) => indexOrInfinity(markup.indexOf('&', from)));
    this.nextCr = new NextIndex((from) => indexOrInfinity(markup.indexOf('\r', from)));
    this.nextCdataEnd = new NextIndex((from) => indexOrInfinity(markup.indexOf(']]>', from)));
  }

  /** The document element, as soon as its start tag has been read (a new view on each call). */
  get root(): ElementView | null {
    return this.open.length > 0 || this.rootClosed ? this.document.view(0) : null;
  }

  /** How far the input has been read. */
  get offset(): number {
    return this.pos;
  }

  get length(): number {
    return this.xml.length;
  }

  /** Elements open at the current offset. */
  get depth(): number {
    return this.open.length;
  }

  /**
   * Reads markup, and the text before it, while the offset is below `until`. Returns true once the
   * whole document has been read and proven well-formed; throws {@link XmlError} at the first flaw.
   */
  parse(until = Number.POSITIVE_INFINITY): boolean {
    if (this.finished) return true;
    const { xml } = this;
    this.checkCharacters(Math.min(until, xml.length));
    let pos = this.pos;
    while (pos < until && pos < xml.length) {
      const lt = xml.indexOf('<', pos);
      const textEnd = lt === -1 ? xml.length : lt;
      if (textEnd > pos) this.text(pos, textEnd);
      if (lt === -1) {
        pos = xml.length;
        break;
      }
      pos = this.markup(lt);
      this.sawMarkup = true;
    }
    this.pos = pos;
    this.checkCharacters(pos);
    if (pos < xml.length) return false;
    const unclosed = this.openNames[this.openNames.length - 1];
    if (unclosed !== undefined) throw malformed(`element <${unclosed.qname}> is not closed`);
    if (!this.rootClosed) throw malformed('no root element');
    this.finished = true;
    return true;
  }

  /** Checks the input up to `to` (moved on to the end of a character) for characters XML does not allow. */
  private checkCharacters(to: number): void {
    const { xml, bytes } = this;
    if (bytes === null) {
      if (to < xml.length && isHighSurrogate(xml.charCodeAt(to - 1))) to++;
    } else {
      while (to < xml.length && (xml.charCodeAt(to) & 0xc0) === 0x80) to++; // a UTF-8 continuation byte
    }
    if (to <= this.checked) return;
    const from = this.checked;
    const part = from === 0 && to === xml.length ? xml : xml.substring(from, to);
    const illegal = bytes === null ? findIllegalCharacter(part) : part.search(illegalInUtf8);
    if (illegal !== -1) {
      const described = bytes === null ? describeCodeUnit(part, illegal) : describeCodeUnit(bytes.toString('utf8', from + illegal, from + illegal + 3), 0);
      throw malformed(`character ${described} at offset ${from + illegal} is not allowed in XML`);
    }
    this.checked = to;
  }

  /**
   * The text of a range of the input. Reading bytes, the markup holds one character per byte,
   * which is right for ASCII and for every delimiter; a range with other characters is decoded
   * from the bytes (ranges always start and end at a delimiter, so never inside a character).
   */
  private textOf(start: number, end: number): string {
    const { xml, bytes } = this;
    return bytes !== null && this.nextHigh.from(start) < end ? bytes.toString('utf8', start, end) : xml.slice(start, end);
  }

  private text(start: number, end: number): void {
    const element = this.open[this.open.length - 1];
    if (element === undefined) {
      this.requireWhitespace(start, end);
      return;
    }
    // The document keeps where text is, and decodes it when it is read; only character data
    // with references or CRs is decoded here too, to prove it well-formed.
    if (this.nextAmpersand.from(start) < end || this.nextCr.from(start) < end || this.nextCdataEnd.from(start) < end) {
      decodeCharacterData(this.textOf(start, end));
      this.document.addTextRange(element, TextKind.CharacterData, start, end);
    } else {
      this.document.addTextRange(element, this.nextHigh.from(start) < end ? TextKind.Utf8 : TextKind.Plain, start, end);
    }
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
    if (xml.charCodeAt(pos) === GT) {
      this.enter(name, null);
      return pos + 1;
    }
    let attributes: string[] | null = null; // qualified name, raw value, qualified name, raw value…
    let seen: Set<string> | null = null; // the names, once there are many
    for (;;) {
      const whitespaceStart = pos;
      pos = this.skipWhitespace(pos);
      const code = xml.charCodeAt(pos);
      if (code === GT) {
        this.enter(name, attributes);
        return pos + 1;
      }
      if (code === SLASH && xml.charCodeAt(pos + 1) === GT) {
        this.enter(name, attributes);
        this.leave();
        return pos + 2;
      }
      if (pos === whitespaceStart) throw malformed(`start tag <${name.qname}> is malformed at offset ${pos}`);
      const nameStart = pos;
      pos = this.nameEnd(pos);
      const attribute = this.qName(nameStart, pos, 'attribute').qname;
      attributes ??= [];
      seen = requireNew(attributes, seen, attribute, name.qname);
      const equals = this.skipWhitespace(pos);
      pos = this.attributeValueEnd(equals, name.qname);
      attributes.push(attribute, this.textOf(this.skipWhitespace(equals + 1) + 1, pos - 1));
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
    const expected = this.openNames[this.openNames.length - 1];
    const nameStart = lt + 2;
    const nameEnd = this.nameEnd(nameStart);
    if (expected === undefined || nameEnd - nameStart !== expected.raw.length || !xml.startsWith(expected.raw, nameStart)) {
      const found = this.textOf(nameStart, nameEnd);
      throw malformed(expected === undefined
        ? `end tag </${found}> without a start tag`
        : `end tag </${found}> does not match <${expected.qname}>`);
    }
    const pos = this.skipWhitespace(nameEnd);
    if (xml.charCodeAt(pos) !== GT) throw malformed(`end tag </${expected.qname}> is malformed`);
    this.leave();
    return pos + 1;
  }

  private processingInstruction(lt: number): number {
    const { xml } = this;
    const targetEnd = this.nameEnd(lt + 2);
    const target = this.textOf(lt + 2, targetEnd);
    if (!isNCName(target)) throw malformed(`processing instruction at offset ${lt} has no valid target`);
    // The declaration may only open the document; we tolerate leading whitespace, which some
    // servers emit and which changes nothing.
    if (target.toLowerCase() === 'xml' && this.sawMarkup) throw malformed('XML declaration not at the start');
    const end = xml.indexOf('?>', targetEnd);
    if (end === -1) throw malformed(`processing instruction <?${target} is not closed`);
    if (end !== targetEnd && !isWhitespace(xml.charCodeAt(targetEnd))) throw malformed(`processing instruction <?${target} is malformed`);
    return end + 2;
  }

  private declaration(lt: number): number {
    const { xml } = this;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end === -1) throw malformed('comment is not closed');
      return end + 3;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const element = this.open[this.open.length - 1];
      if (element === undefined) throw malformed('CDATA section outside the root element');
      const end = xml.indexOf(']]>', lt + 9);
      if (end === -1) throw malformed('CDATA section is not closed');
      this.document.addText(element, normalizeLineEnds(this.textOf(lt + 9, end)));
      return end + 3;
    }
    // Any other '<!' is DTD syntax or garbage; both are refused, DTD syntax by its own kind.
    if (dtdKeyword.test(xml.slice(lt, lt + 64))) {
      throw new XmlError('doctype', `DTD declarations are not accepted (offset ${lt})`);
    }
    throw malformed(`unexpected '<!' at offset ${lt}`);
  }

  private enter(name: QNameParts, attributes: string[] | null): void {
    const { open, document } = this;
    const depth = open.length;
    if (depth >= this.maxDepth) throw new XmlError('too-deep', `elements are nested deeper than ${this.maxDepth}`);
    const parent = depth === 0 ? -1 : open[depth - 1]!;
    let scope = depth === 0 ? rootScope : this.openScopes[depth - 1]!;
    let scopeId = depth === 0 ? 0 : this.openScopeIds[depth - 1]!;
    let read: ElementAttributes | null = null;
    if (attributes !== null) {
      const attributed = this.attributed(attributes, scope, scopeId);
      ({ scope, scopeId, attributes: read } = attributed);
    }
    // Siblings share their scope, so the namespace of a repeated name is looked up once.
    if (name.scope !== scope) {
      name.namespaceId = document.namespaceId(elementNamespace(name, scope));
      name.scope = scope;
    }
    const element = document.addElement(parent, name.localId, name.namespaceId, scopeId, read);
    open.push(element);
    this.openNames.push(name);
    this.openScopes.push(scope);
    this.openScopeIds.push(scopeId);
  }

  /**
   * The scope and attributes of a start tag with attributes. Repeated tags (every `xsi:nil`
   * e-mail of a list, say) share one scope and one frozen attribute set instead of making their own.
   */
  private attributed(raw: readonly string[], parentScope: NamespaceScope, parentScopeId: number): Attributed {
    const key = `${parentScopeId}\u0000${raw.join('\u0000')}`;
    let found = this.attributedTags.get(key);
    if (found === undefined) {
      const scope = declaredScope(raw, parentScope);
      const scopeId = scope === parentScope ? parentScopeId : this.document.scopeId(scope);
      found = { scope, scopeId, attributes: readAttributes(raw, scope) };
      if (this.attributedTags.size < MAX_REMEMBERED_TAGS) this.attributedTags.set(key, found);
    }
    return found;
  }

  private leave(): void {
    this.open.pop();
    this.openNames.pop();
    this.openScopes.pop();
    this.openScopeIds.pop();
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

  private qName(start: number, end: number, what: string): QNameParts {
    const raw = this.xml.slice(start, end);
    let parts = this.names.get(raw);
    if (parts === undefined) {
      const qname = this.textOf(start, end);
      if (!isQName(qname)) throw malformed(`invalid ${what} name '${qname}' at offset ${start}`);
      const colon = qname.indexOf(':');
      const local = colon === -1 ? qname : qname.slice(colon + 1);
      parts = { raw, qname, prefix: colon === -1 ? '' : qname.slice(0, colon), local, localId: this.document.nameId(local), scope: null, namespaceId: -1 };
      this.names.set(raw, parts);
    }
    return parts;
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

/**
 * A document to parse: its text, or its UTF-8 bytes (already validated) with `markup` holding
 * one character per byte (a latin1 reading): every delimiter of XML is ASCII and sits where it
 * sits in the bytes, so the markup is read without decoding the whole document first.
 */
export interface XmlSource {
  readonly markup: string;
  readonly bytes: Buffer | null;
}

interface QNameParts {
  /** As it stands in the markup (bytes read as latin1), for matching the end tag. */
  readonly raw: string;
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  readonly localId: number;
  /** The namespace of this name as an element, for the last scope it was looked up in. */
  scope: NamespaceScope | null;
  namespaceId: number;
}

interface Attributed {
  readonly scope: NamespaceScope;
  readonly scopeId: number;
  readonly attributes: ElementAttributes | null;
}

const MAX_REMEMBERED_TAGS = 1024;

/** The next offset, at or after a given one, where something occurs: one search serves many questions. */
class NextIndex {
  private start = 0;
  private found = -1;

  constructor(private readonly search: (from: number) => number) {}

  from(offset: number): number {
    if (this.found === -1 || offset < this.start || this.found < offset) {
      this.start = offset;
      this.found = this.search(offset);
    }
    return this.found;
  }
}

function indexOrInfinity(index: number): number {
  return index === -1 ? Infinity : index;
}

const TAB = 9, LF = 10, CR = 13, SPACE = 32;
const BANG = 33, DQUOTE = 34, SQUOTE = 39, SLASH = 47, EQUALS = 61, GT = 62, QUESTION = 63;

// ASCII characters that may continue a (Q)Name; non-ASCII ones are left to the name pattern.
const asciiNameChar = new Uint8Array(128);
for (const range of ['AZ', 'az', '09']) {
  for (let c = range.charCodeAt(0); c <= range.charCodeAt(1); c++) asciiNameChar[c] = 1;
}
for (const c of '_-.:') asciiNameChar[c.charCodeAt(0)] = 1;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** In valid UTF-8 read as latin1: the C0 controls XML forbids, and U+FFFE / U+FFFF (EF BF BE / EF BF BF). */
const illegalInUtf8 = /[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]/;
const highByte = /[\x80-\xff]/g;

function isWhitespace(code: number): boolean {
  return code === SPACE || code === LF || code === TAB || code === CR;
}

const dtdKeyword = /^<!\s*(?:doctype|entity|element|attlist|notation|\[\s*(?:include|ignore|%))/i;

function malformed(message: string): XmlError {
  return new XmlError('malformed', message);
}

function unbound(prefix: string, qname: string): XmlError {
  return new XmlError('unbound-prefix', `prefix '${prefix}' of '${qname}' is not declared`);
}

/**
 * Refuses a duplicate attribute name (as written). A few names are compared in a list; past
 * that a set takes over, so a hostile tag with thousands of attributes stays linear.
 */
function requireNew(attributes: readonly string[], seen: Set<string> | null, name: string, element: string): Set<string> | null {
  if (seen === null) {
    for (let i = 0; i < attributes.length; i += 2) {
      if (attributes[i] === name) throw malformed(`duplicate attribute '${name}' in <${element}>`);
    }
    if (attributes.length < 16) return null;
    seen = new Set(attributes.filter((_, i) => i % 2 === 0));
  } else if (seen.has(name)) {
    throw malformed(`duplicate attribute '${name}' in <${element}>`);
  }
  return seen.add(name);
}

function elementNamespace(name: QNameParts, scope: NamespaceScope): string {
  if (name.prefix === 'xmlns') throw malformed(`element <${name.qname}> uses the reserved prefix xmlns`);
  const ns = lookupNamespace(scope, name.prefix);
  if (ns === undefined) throw unbound(name.prefix, name.qname);
  return ns;
}

/** `raw` alternates qualified names and undecoded values, as written; `scope` includes their declarations. */
function readAttributes(raw: readonly string[], scope: NamespaceScope): ElementAttributes | null {
  let attributes: Record<string, string> | null = null;
  let qualified: QualifiedAttribute[] | null = null;
  let expandedNames: Set<string> | null = null;
  let nil = false;
  for (let i = 0; i < raw.length; i += 2) {
    const qname = raw[i]!;
    if (isDeclaration(qname)) continue;
    const value = decodeAttributeValue(raw[i + 1]!);
    attributes ??= Object.create(null) as Record<string, string>;
    const colon = qname.indexOf(':');
    if (colon === -1) {
      attributes[qname] = value; // unprefixed wins a local-name clash
      if (qualified !== null) qualified.push({ ns: '', name: qname, value });
      continue;
    }
    const prefix = qname.slice(0, colon);
    const local = qname.slice(colon + 1);
    const attributeNs = lookupNamespace(scope, prefix);
    if (attributeNs === undefined) throw unbound(prefix, qname);
    qualified ??= unprefixedSoFar(attributes);
    // Two prefixes bound to one namespace can spell the same attribute twice; NUL separates
    // because it can be in neither part.
    expandedNames ??= new Set();
    const expanded = `${attributeNs}\u0000${local}`;
    if (expandedNames.has(expanded)) throw malformed(`attribute {${attributeNs}}${local} appears twice`);
    expandedNames.add(expanded);
    qualified.push({ ns: attributeNs, name: local, value });
    if (!(local in attributes)) attributes[local] = value;
    if (attributeNs === XSI_NAMESPACE && local === 'nil') nil = isTrue(value);
  }
  if (attributes === null) return null;
  if (qualified !== null) Object.freeze(qualified);
  return Object.freeze({ attributes: Object.freeze(attributes), qualified, nil });
}

function unprefixedSoFar(attributes: Record<string, string>): QualifiedAttribute[] {
  // Called before any prefixed attribute was added, so everything here is unprefixed.
  return Object.keys(attributes).map((name) => ({ ns: '', name, value: attributes[name] as string }));
}

function isTrue(value: string): boolean {
  const trimmed = value.trim();
  return trimmed === 'true' || trimmed === '1';
}

function isDeclaration(qname: string): boolean {
  return qname === 'xmlns' || qname.startsWith('xmlns:');
}

function declaredScope(raw: readonly string[], parent: NamespaceScope): NamespaceScope {
  let bindings: Map<string, string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const qname = raw[i]!;
    if (!isDeclaration(qname)) continue;
    const prefix = qname === 'xmlns' ? '' : qname.slice('xmlns:'.length);
    const uri = decodeAttributeValue(raw[i + 1]!);
    checkDeclaration(prefix, uri);
    bindings ??= new Map();
    bindings.set(prefix, uri);
  }
  return bindings === null ? parent : { bindings, parent };
}

/** The Namespaces in XML 1.0 constraints on declarations. */
function checkDeclaration(prefix: string, uri: string): void {
  if (prefix === 'xmlns') throw malformed('the prefix xmlns cannot be declared');
  if (prefix === 'xml' ? uri !== XML_NAMESPACE : uri === XML_NAMESPACE) {
    throw malformed('the xml prefix and its namespace are bound only to each other');
  }
  if (uri === XMLNS_NAMESPACE) throw malformed('the xmlns namespace cannot be bound');
  if (prefix !== '' && uri === '') throw malformed(`prefix '${prefix}' cannot be undeclared in XML 1.0`);
}
