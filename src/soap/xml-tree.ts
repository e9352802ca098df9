import { isAscii, isUtf8 } from 'node:buffer';
import { XMLParser } from 'fast-xml-parser';
import { buildDocument, ATTRIBUTE_PREFIX, CDATA_KEY, RENAMED, TEXT_KEY, type OrderedNode } from './xml-build.js';
import { ElementView, XmlDocument, lookupNamespace, rootScope, type PackedDocument, type XmlElement } from './xml-document.js';
import { XmlError } from './xml-error.js';
import { isQName } from './xml-names.js';
import { checkWellFormed } from './xml-scan.js';

export { XmlError, isXmlError } from './xml-error.js';
export type { XmlErrorKind } from './xml-error.js';
export type { XmlElement } from './xml-document.js';

export interface XmlLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

export const defaultXmlLimits: XmlLimits = Object.freeze({ maxBytes: 10 * 1024 * 1024, maxDepth: 64 });

/**
 * Parses XML from an untrusted upstream into a namespace-aware tree and returns the document
 * element. Refuses DTDs, oversized or over-deep input, invalid UTF-8 and anything not
 * well-formed, always with an {@link XmlError}.
 *
 * fast-xml-parser reads the document (entity processing off); a linear pre-scan first proves
 * it well-formed where fast-xml-parser is lenient, and our code resolves namespaces and decodes
 * XML's five entities and numeric references in its output.
 *
 * @example
 * const root = parseXml('<a xmlns="urn:x"><b>1 &amp; 2</b></a>');
 * childrenNamed(root, 'b', 'urn:x')[0]?.text; // '1 & 2'
 */
export function parseXml(input: string | Uint8Array, limits: XmlLimits = defaultXmlLimits): XmlElement {
  return parseChecked(checkInput(input, limits), limits.maxDepth);
}

/**
 * {@link parseXml}, but the document in its compact form, which can be sent to another thread
 * (what a worker of `xml-workers.ts` does).
 */
export function parsePacked(input: string | Uint8Array, limits: XmlLimits = defaultXmlLimits): PackedDocument {
  return parseText(decodeChecked(checkInput(input, limits)), limits.maxDepth);
}

/** {@link parseXml} for input that {@link checkInput} has passed (or text cut from such input). */
export function parseChecked(input: CheckedInput, maxDepth: number): XmlElement {
  return new XmlDocument(parseText(decodeChecked(input), maxDepth)).root;
}

function parseText(xml: string, maxDepth: number): PackedDocument {
  checkWellFormed(xml, maxDepth);
  return buildDocument(readOrdered(xml, maxDepth), maxDepth);
}

/** Children with the given local name (and namespace, when given), in document order. */
export function childrenNamed(element: XmlElement, localName: string, ns?: string): XmlElement[] {
  if (element instanceof ElementView) return element.document.childrenNamed(element.index, localName, ns);
  const found: XmlElement[] = [];
  for (const child of element.children) {
    if (child.name === localName && (ns === undefined || child.ns === ns)) found.push(child);
  }
  return found;
}

/** An attribute by namespace and local name; `ns` '' means an unprefixed attribute. */
export function attributeNS(element: XmlElement, ns: string, localName: string): string | undefined {
  const qualified = element instanceof ElementView ? element.qualifiedAttributes : null;
  if (qualified !== null) {
    for (const attribute of qualified) {
      if (attribute.ns === ns && attribute.name === localName) return attribute.value;
    }
    return undefined;
  }
  return ns === '' ? element.attributes[localName] : undefined;
}

/**
 * Resolves a QName that appears as a value (a fault code, an xsi:type) against the namespace
 * declarations in scope at `element`. Unprefixed names take the default namespace, as XML Schema
 * does for xs:QName. Elements not produced by {@link parseXml} know only the `xml` prefix.
 */
export function resolveQName(element: XmlElement, qname: string): { ns: string; local: string } {
  const value = qname.trim();
  if (!isQName(value)) throw new XmlError('malformed', `'${qname}' is not a QName`);
  const colon = value.indexOf(':');
  const prefix = colon === -1 ? '' : value.slice(0, colon);
  const local = value.slice(colon + 1);
  const scope = element instanceof ElementView ? element.scope : rootScope;
  const ns = lookupNamespace(scope, prefix);
  if (ns === undefined) throw new XmlError('unbound-prefix', `prefix '${prefix}' of '${value}' is not declared`);
  return { ns, local };
}

/** Limits are configuration: a NaN or zero here would silently switch a guard off. */
function requireUsableLimits(limits: XmlLimits): void {
  if (!Number.isInteger(limits.maxBytes) || limits.maxBytes < 1 || !Number.isInteger(limits.maxDepth) || limits.maxDepth < 1) {
    throw new RangeError(`XML limits must be positive integers, got ${JSON.stringify(limits)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Input decoding

/** Input that passed {@link checkInput}: text, or valid UTF-8 bytes; within the size limit, without a BOM. */
export type CheckedInput = string | Buffer;

/**
 * The checks that need no parsing: usable limits, then the input's size and encoding. Bytes must
 * be valid UTF-8 (`buffer.isUtf8`, far faster than a fatal TextDecoder) and are not decoded yet.
 */
export function checkInput(input: string | Uint8Array, limits: XmlLimits): CheckedInput {
  requireUsableLimits(limits);
  if (typeof input !== 'string') return checkedBytes(input, limits.maxBytes);
  requireWithin(input, limits.maxBytes);
  return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
}

/** The text of checked input. Pure ASCII, the common case, is read as latin1: a copy, no decoding. */
export function decodeChecked(input: CheckedInput): string {
  if (typeof input === 'string') return input;
  return isAscii(input) ? input.toString('latin1') : input.toString('utf8');
}

/** A string input within the size limit, counting UTF-8 bytes. */
function requireWithin(input: string, maxBytes: number): void {
  // Bytes >= UTF-16 code units, and <= 3 per unit: only measure when the answer is unclear.
  if (input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input, 'utf8') > maxBytes)) {
    throw tooLarge(maxBytes);
  }
}

/**
 * Bytes within the size limit, valid UTF-8 and honest about their encoding, without a BOM: the
 * checks that need no decoding (a few microseconds for a megabyte).
 */
function checkedBytes(input: Uint8Array, maxBytes: number): Buffer {
  if (!(input instanceof Uint8Array)) throw new XmlError('encoding', 'XML input must be a string or bytes');
  if (input.byteLength > maxBytes) throw tooLarge(maxBytes);
  let bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!isUtf8(bytes)) throw new XmlError('encoding', 'XML bytes are not valid UTF-8');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  requireHonourableEncoding(bytes);
  return bytes;
}

const declaredEncoding = /^\s*<\?xml\s[^?]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/;

/**
 * We only read UTF-8. A document that declares another encoding is still read correctly when it
 * is pure ASCII (every ASCII-compatible encoding agrees there); otherwise we would be guessing.
 */
function requireHonourableEncoding(bytes: Buffer): void {
  const declared = declaredEncoding.exec(bytes.toString('latin1', 0, 256))?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') return;
  if (!isAscii(bytes)) {
    throw new XmlError('encoding', `document declares encoding '${declared}'; only UTF-8 is supported`);
  }
}

function tooLarge(maxBytes: number): XmlError {
  return new XmlError('too-large', `XML input exceeds ${maxBytes} bytes`);
}

// ---------------------------------------------------------------------------------------------
// fast-xml-parser: it reads the document; well-formedness, entities and namespaces are ours.

// fast-xml-parser refuses these as tag names (prototype pollution guard); we rename them on the way
// in with a character no XML name can contain, and xml-build.ts renames them back.
const guardedNames = new Set(['__proto__', 'constructor', 'prototype']);

function protectName(name: string): string {
  // Called for every tag: the length test spares nearly all of them the set lookup.
  const { length } = name;
  return (length === 9 || length === 11) && guardedNames.has(name) ? RENAMED + name : name;
}

const parsers = new Map<number, XMLParser>();

function parserFor(maxDepth: number): XMLParser {
  let parser = parsers.get(maxDepth);
  if (parser === undefined) {
    parser = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: ATTRIBUTE_PREFIX,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      processEntities: false,
      htmlEntities: false,
      textNodeName: TEXT_KEY,
      cdataPropName: CDATA_KEY,
      ignoreDeclaration: true,
      ignorePiTags: true,
      jPath: false,
      // A backstop only: checkWellFormed already enforced the depth, counting leaves too.
      maxNestedTags: maxDepth,
      transformTagName: protectName,
      // Keep names such as 'toString' as they are: our tree never uses them as object keys.
      onDangerousProperty: (name) => name,
    });
    parsers.set(maxDepth, parser);
  }
  return parser;
}

function readOrdered(xml: string, maxDepth: number): readonly OrderedNode[] {
  let result: unknown;
  try {
    result = parserFor(maxDepth).parse(xml);
  } catch (cause) {
    throw new XmlError('malformed', `XML could not be parsed: ${(cause as Error).message}`, { cause });
  }
  if (!Array.isArray(result)) throw new XmlError('malformed', 'no root element');
  return result as OrderedNode[];
}
