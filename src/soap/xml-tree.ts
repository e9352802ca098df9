import { XMLParser } from 'fast-xml-parser';
import { XmlError } from './xml-error.js';
import { XML_NAMESPACE, XMLNS_NAMESPACE, XSI_NAMESPACE, isQName } from './xml-names.js';
import { checkWellFormed } from './xml-scan.js';
import { decodeAttributeValue, decodeCharacterData } from './xml-text.js';

export { XmlError, isXmlError } from './xml-error.js';
export type { XmlErrorKind } from './xml-error.js';

/** One element of a parsed document, with namespaces resolved and entities decoded. */
export interface XmlElement {
  /** Local name (prefix removed). */
  readonly name: string;
  /** Resolved namespace URI, '' when none. */
  readonly ns: string;
  /** By local name; xmlns declarations excluded; on a local-name clash the unprefixed one wins. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Element children in document order. */
  readonly children: readonly XmlElement[];
  /** The element's own text and CDATA, decoded, not trimmed. */
  readonly text: string;
  /** True iff it carries xsi:nil="true" (or "1") with the prefix really bound to the XSI namespace. */
  readonly nil: boolean;
}

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
  requireUsableLimits(limits);
  const xml = decodeInput(input, limits.maxBytes);
  checkWellFormed(xml, limits.maxDepth);
  return buildTree(readOrdered(xml, limits.maxDepth), limits.maxDepth);
}

/** Children with the given local name (and namespace, when given), in document order. */
export function childrenNamed(element: XmlElement, localName: string, ns?: string): XmlElement[] {
  const candidates = element instanceof TreeElement ? element.childrenByName(localName) : element.children;
  const found: XmlElement[] = [];
  for (const child of candidates) {
    if (child.name === localName && (ns === undefined || child.ns === ns)) found.push(child);
  }
  return found;
}

/** An attribute by namespace and local name; `ns` '' means an unprefixed attribute. */
export function attributeNS(element: XmlElement, ns: string, localName: string): string | undefined {
  if (element instanceof TreeElement && element.qualifiedAttributes !== null) {
    for (const attribute of element.qualifiedAttributes) {
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
  const scope = element instanceof TreeElement ? element.scope : rootScope;
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

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeInput(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    // Bytes >= UTF-16 code units, and <= 3 per unit: only measure when the answer is unclear.
    if (input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input, 'utf8') > maxBytes)) {
      throw tooLarge(maxBytes);
    }
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  if (!(input instanceof Uint8Array)) throw new XmlError('encoding', 'XML input must be a string or bytes');
  if (input.byteLength > maxBytes) throw tooLarge(maxBytes);
  let text: string;
  try {
    text = utf8.decode(input); // also drops a UTF-8 BOM
  } catch (cause) {
    throw new XmlError('encoding', 'XML bytes are not valid UTF-8', { cause });
  }
  requireHonourableEncoding(text);
  return text;
}

const declaredEncoding = /^\s*<\?xml\s[^?]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/;
const nonAscii = /[^\x00-\x7f]/;

/**
 * We only read UTF-8. A document that declares another encoding is still read correctly when it
 * is pure ASCII (every ASCII-compatible encoding agrees there); otherwise we would be guessing.
 */
function requireHonourableEncoding(text: string): void {
  const declared = declaredEncoding.exec(text.slice(0, 256))?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') return;
  if (nonAscii.test(text)) {
    throw new XmlError('encoding', `document declares encoding '${declared}'; only UTF-8 is supported`);
  }
}

function tooLarge(maxBytes: number): XmlError {
  return new XmlError('too-large', `XML input exceeds ${maxBytes} bytes`);
}

// ---------------------------------------------------------------------------------------------
// fast-xml-parser: it tokenizes; well-formedness, entities and namespaces are ours.

/** preserveOrder output: `{ [tag]: children, ':@'?: attributes }`, `{ '#text': s }`, `{ '#cdata': [{ '#text': s }] }`. */
type OrderedNode = Record<string, unknown>;

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRIBUTES = ':@';
const ATTRIBUTE_PREFIX = '@_';
// fast-xml-parser refuses these as tag names (prototype pollution guard); we rename them on the way
// in with a character no XML name can contain, and back on the way out.
const RENAMED = '#';
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
      cdataPropName: CDATA,
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

// ---------------------------------------------------------------------------------------------
// The tree

interface QualifiedAttribute {
  readonly ns: string;
  readonly name: string;
  readonly value: string;
}

/** Namespace bindings declared on one element, linked to the enclosing scope. */
interface NamespaceScope {
  readonly bindings: ReadonlyMap<string, string>;
  readonly parent: NamespaceScope | null;
}

const rootScope: NamespaceScope = {
  bindings: new Map([['xml', XML_NAMESPACE], ['', '']]),
  parent: null,
};

function lookupNamespace(scope: NamespaceScope, prefix: string): string | undefined {
  for (let current: NamespaceScope | null = scope; current !== null; current = current.parent) {
    const uri = current.bindings.get(prefix);
    if (uri !== undefined) return uri;
  }
  return undefined;
}

const noAttributes: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);

// Below this many children a linear scan beats building an index.
const INDEX_THRESHOLD = 16;

class TreeElement implements XmlElement {
  readonly children: TreeElement[] = [];
  text = '';
  private index: Map<string, TreeElement[]> | null = null;

  constructor(
    readonly name: string,
    readonly ns: string,
    readonly attributes: Readonly<Record<string, string>>,
    readonly nil: boolean,
    readonly scope: NamespaceScope,
    /** Every attribute with its namespace; null when none is prefixed (then `attributes` is exact). */
    readonly qualifiedAttributes: readonly QualifiedAttribute[] | null,
  ) {}

  childrenByName(localName: string): readonly TreeElement[] {
    if (this.children.length < INDEX_THRESHOLD) return this.children;
    this.index ??= indexByName(this.children);
    return this.index.get(localName) ?? [];
  }
}

function indexByName(children: readonly TreeElement[]): Map<string, TreeElement[]> {
  const index = new Map<string, TreeElement[]>();
  for (const child of children) {
    const same = index.get(child.name);
    if (same === undefined) index.set(child.name, [child]);
    else same.push(child);
  }
  return index;
}

/** Converts fast-xml-parser's ordered output without recursion. */
function buildTree(document: readonly OrderedNode[], maxDepth: number): TreeElement {
  const rootNode = document.find((node) => elementKey(node) !== undefined);
  const rootKey = rootNode === undefined ? undefined : elementKey(rootNode);
  if (rootNode === undefined || rootKey === undefined) throw new XmlError('malformed', 'no root element');
  const root = createElement(rootNode, rootKey, rootScope);

  // Parallel stacks instead of frame objects: one element, its source children, the next index.
  const elements: TreeElement[] = [root];
  const sources: (readonly OrderedNode[])[] = [childrenOf(rootNode, rootKey)];
  const positions: number[] = [0];
  while (elements.length > 0) {
    const top = elements.length - 1;
    const element = elements[top] as TreeElement;
    const source = sources[top] as readonly OrderedNode[];
    const position = positions[top] as number;
    if (position === source.length) {
      elements.pop();
      sources.pop();
      positions.pop();
      continue;
    }
    positions[top] = position + 1;
    const node = source[position] as OrderedNode;
    const key = firstKey(node);
    if (key === TEXT) {
      element.text += decodeCharacterData(stringValue(node[TEXT]));
    } else if (key === CDATA) {
      element.text += cdataValue(node[CDATA]);
    } else if (key !== undefined && key !== ATTRIBUTES) {
      if (elements.length >= maxDepth) throw new XmlError('too-deep', `elements are nested deeper than ${maxDepth}`);
      const child = createElement(node, key, element.scope);
      element.children.push(child);
      elements.push(child);
      sources.push(childrenOf(node, key));
      positions.push(0);
    }
  }
  return root;
}

function firstKey(node: OrderedNode): string | undefined {
  // Tag names cannot start with a digit, so insertion order is key order: the tag comes first.
  for (const key in node) return key;
  return undefined;
}

function elementKey(node: OrderedNode): string | undefined {
  const key = firstKey(node);
  return key === undefined || key === TEXT || key === CDATA || key === ATTRIBUTES ? undefined : key;
}

function childrenOf(node: OrderedNode, key: string): readonly OrderedNode[] {
  const children = node[key];
  return Array.isArray(children) ? (children as OrderedNode[]) : [];
}

function stringValue(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function cdataValue(value: unknown): string {
  if (!Array.isArray(value)) return '';
  const first: unknown = value[0];
  return typeof first === 'object' && first !== null ? stringValue((first as OrderedNode)[TEXT]) : '';
}

function createElement(node: OrderedNode, key: string, parentScope: NamespaceScope): TreeElement {
  const raw = node[ATTRIBUTES] as Record<string, unknown> | undefined;
  const scope = raw === undefined ? parentScope : declaredScope(raw, parentScope);
  const qname = key.charCodeAt(0) === 35 /* # */ ? key.slice(1) : key;
  const colon = qname.indexOf(':');
  const prefix = colon === -1 ? '' : qname.slice(0, colon);
  if (prefix === 'xmlns') throw new XmlError('malformed', `element <${qname}> uses the reserved prefix xmlns`);
  const ns = lookupNamespace(scope, prefix);
  if (ns === undefined) throw unbound(prefix, qname);
  const name = colon === -1 ? qname : qname.slice(colon + 1);
  if (raw === undefined) return new TreeElement(name, ns, noAttributes, false, scope, null);
  return withAttributes(name, ns, raw, scope);
}

function withAttributes(name: string, ns: string, raw: Record<string, unknown>, scope: NamespaceScope): TreeElement {
  let attributes: Record<string, string> | null = null;
  let qualified: QualifiedAttribute[] | null = null;
  let expandedNames: Set<string> | null = null;
  let nil = false;
  for (const key in raw) {
    const qname = key.slice(ATTRIBUTE_PREFIX.length);
    if (isDeclaration(qname)) continue;
    const value = decodeAttributeValue(stringValue(raw[key]));
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
    if (expandedNames.has(expanded)) throw new XmlError('malformed', `attribute {${attributeNs}}${local} appears twice`);
    expandedNames.add(expanded);
    qualified.push({ ns: attributeNs, name: local, value });
    if (!(local in attributes)) attributes[local] = value;
    if (attributeNs === XSI_NAMESPACE && local === 'nil') nil = isTrue(value);
  }
  return new TreeElement(name, ns, attributes ?? noAttributes, nil, scope, qualified);
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

function declaredScope(raw: Record<string, unknown>, parent: NamespaceScope): NamespaceScope {
  let bindings: Map<string, string> | null = null;
  for (const key in raw) {
    const qname = key.slice(ATTRIBUTE_PREFIX.length);
    if (!isDeclaration(qname)) continue;
    const prefix = qname === 'xmlns' ? '' : qname.slice('xmlns:'.length);
    const uri = decodeAttributeValue(stringValue(raw[key]));
    checkDeclaration(prefix, uri);
    bindings ??= new Map();
    bindings.set(prefix, uri);
  }
  return bindings === null ? parent : { bindings, parent };
}

/** The Namespaces in XML 1.0 constraints on declarations. */
function checkDeclaration(prefix: string, uri: string): void {
  if (prefix === 'xmlns') throw new XmlError('malformed', 'the prefix xmlns cannot be declared');
  if (prefix === 'xml' ? uri !== XML_NAMESPACE : uri === XML_NAMESPACE) {
    throw new XmlError('malformed', 'the xml prefix and its namespace are bound only to each other');
  }
  if (uri === XMLNS_NAMESPACE) throw new XmlError('malformed', 'the xmlns namespace cannot be bound');
  if (prefix !== '' && uri === '') throw new XmlError('malformed', `prefix '${prefix}' cannot be undeclared in XML 1.0`);
}

function unbound(prefix: string, qname: string): XmlError {
  return new XmlError('unbound-prefix', `prefix '${prefix}' of '${qname}' is not declared`);
}
