import { isAscii, isUtf8 } from 'node:buffer';
import { XmlError } from './xml-error.js';
import { ElementView, lookupNamespace, rootScope, type XmlElement } from './xml-element.js';
import { isQName } from './xml-names.js';
import { XmlParser, type XmlSource } from './xml-parser.js';

export { XmlError, isXmlError } from './xml-error.js';
export type { XmlErrorKind } from './xml-error.js';
export type { XmlElement } from './xml-element.js';

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
 * @example
 * const root = parseXml('<a xmlns="urn:x"><b>1 &amp; 2</b></a>');
 * childrenNamed(root, 'b', 'urn:x')[0]?.text; // '1 & 2'
 */
export function parseXml(input: string | Uint8Array, limits: XmlLimits = defaultXmlLimits): XmlElement {
  const parser = startParser(input, limits);
  parser.parse();
  return parser.root as XmlElement;
}

/**
 * Checks the limits and decodes the input, and returns a parser that has read nothing yet: for
 * callers that read a large document in slices ({@link XmlParser.parse} with an offset).
 */
export function startParser(input: string | Uint8Array, limits: XmlLimits = defaultXmlLimits): XmlParser {
  requireUsableLimits(limits);
  return new XmlParser(decodeInput(input, limits.maxBytes), limits.maxDepth);
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

function decodeInput(input: string | Uint8Array, maxBytes: number): XmlSource {
  if (typeof input === 'string') {
    // Bytes >= UTF-16 code units, and <= 3 per unit: only measure when the answer is unclear.
    if (input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input, 'utf8') > maxBytes)) {
      throw tooLarge(maxBytes);
    }
    return { markup: input.charCodeAt(0) === 0xfeff ? input.slice(1) : input, bytes: null };
  }
  if (!(input instanceof Uint8Array)) throw new XmlError('encoding', 'XML input must be a string or bytes');
  if (input.byteLength > maxBytes) throw tooLarge(maxBytes);
  let bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!isUtf8(bytes)) throw new XmlError('encoding', 'XML bytes are not valid UTF-8');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  // Valid UTF-8 read one byte per character: see XmlSource.
  const markup = bytes.toString('latin1');
  requireHonourableEncoding(markup, bytes);
  return { markup, bytes };
}

const declaredEncoding = /^\s*<\?xml\s[^?]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/;

/**
 * We only read UTF-8. A document that declares another encoding is still read correctly when it
 * is pure ASCII (every ASCII-compatible encoding agrees there); otherwise we would be guessing.
 */
function requireHonourableEncoding(markup: string, bytes: Buffer): void {
  const declared = declaredEncoding.exec(markup.slice(0, 256))?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') return;
  if (!isAscii(bytes)) {
    throw new XmlError('encoding', `document declares encoding '${declared}'; only UTF-8 is supported`);
  }
}

function tooLarge(maxBytes: number): XmlError {
  return new XmlError('too-large', `XML input exceeds ${maxBytes} bytes`);
}
