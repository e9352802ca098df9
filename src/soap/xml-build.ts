import { XmlError } from './xml-error.js';
import {
  ATTRIBUTES, CHILD_COUNT, EMPTY_SYMBOL, FIRST_CHILD, NEXT_SIBLING, NS, ROOT_SCOPE, SCOPE, SLOTS, TEXT,
  lookupNamespace, rootScope, type NamespaceScope, type PackedDocument,
} from './xml-document.js';
import { XML_NAMESPACE, XMLNS_NAMESPACE, XSI_NAMESPACE } from './xml-names.js';
import { decodeAttributeValue, decodeCharacterData, normalizeLineEnds } from './xml-text.js';

/**
 * fast-xml-parser's `preserveOrder` output: `{ [tag]: children, ':@'?: attributes }`,
 * `{ '#text': s }`, `{ '#cdata': [{ '#text': s }] }`.
 */
export type OrderedNode = Record<string, unknown>;

export const TEXT_KEY = '#text';
export const CDATA_KEY = '#cdata';
export const ATTRIBUTES_KEY = ':@';
export const ATTRIBUTE_PREFIX = '@_';
/**
 * fast-xml-parser refuses some tag names (its prototype pollution guard); `xml-tree.ts` renames
 * them on the way in with a character no XML name can contain, and they are renamed back here.
 */
export const RENAMED = '#';

/**
 * Turns fast-xml-parser's output into a {@link PackedDocument}: resolves namespaces (refusing
 * what Namespaces in XML forbids), decodes text and attribute values (XML's five entities and
 * numeric references only; fast-xml-parser's own entity processing is off), and lays the tree out
 * as numbers. Nothing recurses, so no depth can overflow the stack.
 */
export function buildDocument(ordered: readonly OrderedNode[], maxDepth: number): PackedDocument {
  return new DocumentBuilder(maxDepth).build(ordered);
}

/** An interned prefix:local name, with its namespace looked up once per scope it appears in. */
interface ElementName {
  readonly qname: string;
  readonly prefix: string;
  readonly local: number;
  scope: NamespaceScope | null;
  namespace: number;
}

/** The scope and attribute set a start tag's attributes give, shared by tags written alike. */
interface Attributed {
  readonly scope: NamespaceScope;
  readonly scopeId: number;
  readonly attributeSet: number;
}

const MAX_REMEMBERED_TAGS = 1024;

/**
 * Integers appended to a typed array that doubles when full. A plain array grown by `push` cost
 * ~100 ns an element on a 1 MB reply here (its backing store is reallocated in 1.5x steps in the
 * large-object space); this is a fifth of that, and is sent to another thread without a copy.
 */
class IntegerList {
  /** The values so far; lowering it drops the last ones. */
  length = 0;

  /** `array` is where the first values go; the list moves to a buffer of its own when it is full. */
  constructor(private array: Int32Array) {}

  /** The array the values are in, to read or overwrite them: valid until the next append. */
  get values(): Int32Array {
    return this.array;
  }

  /** Appends `count` values that the caller then writes into {@link values}; returns where they start. */
  append(count: number): number {
    const at = this.length;
    if (at + count > this.array.length) {
      const grown = new Int32Array(Math.max(this.array.length * 2, at + count));
      grown.set(this.array);
      this.array = grown;
    }
    this.length = at + count;
    return at;
  }

  /** Appends one value; returns the new length. */
  push(value: number): number {
    const at = this.append(1); // before reading `array`, which appending may replace
    this.array[at] = value;
    return this.length;
  }

  view(): Int32Array {
    return this.array.subarray(0, this.length);
  }
}

/** Room for each list's first values: a 2 KB reply fits, so it allocates nothing more. */
const initialCapacities = { nodes: 64 * SLOTS, textOffsets: 64, tables: 16, scopeStarts: 16, attributeSetStarts: 16 } as const;

/**
 * The builder's lists, all starting in one buffer. Every typed array over 64 bytes is an
 * allocation outside V8's heap (~5 µs here), and when each list had its own, those were half the
 * build of a 2 KB reply; now a list allocates only when it outgrows its share.
 */
function listsInOneBuffer(): Record<keyof typeof initialCapacities, IntegerList> {
  const names = Object.keys(initialCapacities) as (keyof typeof initialCapacities)[];
  const total = names.reduce((sum, name) => sum + initialCapacities[name], 0);
  const buffer = new ArrayBuffer(total * Int32Array.BYTES_PER_ELEMENT);
  let offset = 0;
  const lists = {} as Record<keyof typeof initialCapacities, IntegerList>;
  for (const name of names) {
    lists[name] = new IntegerList(new Int32Array(buffer, offset * Int32Array.BYTES_PER_ELEMENT, initialCapacities[name]));
    offset += initialCapacities[name];
  }
  return lists;
}

class DocumentBuilder {
  private readonly lists = listsInOneBuffer();
  private readonly nodes = this.lists.nodes;
  private readonly symbols: string[] = [''];
  private readonly symbolIds = new Map<string, number>([['', EMPTY_SYMBOL]]);
  /** Every text so far, one after the other (a rope until it is read), and where each starts. */
  private texts = '';
  private readonly textOffsets = this.lists.textOffsets;
  /** Scopes and attribute sets, laid out as PackedDocument.tables describes. */
  private readonly tables = this.lists.tables;
  private readonly scopeStarts = this.lists.scopeStarts;
  private readonly attributeSetStarts = this.lists.attributeSetStarts;
  private readonly names = new Map<string, ElementName>();
  private readonly attributedTags = new Map<string, Attributed>();
  /** The namespace scope of the element being read, and its id. */
  private scope = rootScope;
  private scopeId = ROOT_SCOPE;

  constructor(private readonly maxDepth: number) {
    this.textOffsets.push(0);
    this.scopeStarts.push(-1); // scope 0, the root scope, has no entry
  }

  build(ordered: readonly OrderedNode[]): PackedDocument {
    const rootNode = ordered.find((node) => elementKey(node) !== undefined);
    const rootKey = rootNode === undefined ? undefined : elementKey(rootNode);
    if (rootNode === undefined || rootKey === undefined) throw new XmlError('malformed', 'no root element');

    // Parallel stacks instead of frame objects: the element, its source children, the next of
    // them to read, its last child so far, and its text so far; its scope is this.scope.
    const elements: number[] = [];
    const sources: (readonly OrderedNode[])[] = [];
    const positions: number[] = [];
    const lastChildren: number[] = [];
    const texts: string[] = [];
    const scopes: NamespaceScope[] = [];
    const scopeIds: number[] = [];
    const enter = (node: OrderedNode, key: string, parent: number): void => {
      // The scope to return to once this element has been read.
      scopes.push(this.scope);
      scopeIds.push(this.scopeId);
      const element = this.addElement(node, key);
      if (parent !== -1) {
        const top = lastChildren.length - 1;
        const last = lastChildren[top]!;
        const nodes = this.nodes.values;
        if (last === -1) nodes[parent * SLOTS + FIRST_CHILD] = element;
        else nodes[last * SLOTS + NEXT_SIBLING] = element;
        lastChildren[top] = element;
        nodes[parent * SLOTS + CHILD_COUNT]!++;
      }
      elements.push(element);
      sources.push(childrenOf(node, key));
      positions.push(0);
      lastChildren.push(-1);
      texts.push('');
    };
    enter(rootNode, rootKey, -1);
    while (elements.length > 0) {
      const top = elements.length - 1;
      const element = elements[top]!;
      const source = sources[top]!;
      const position = positions[top]!;
      if (position === source.length) {
        const text = texts[top]!;
        if (text !== '') this.nodes.values[element * SLOTS + TEXT] = this.addText(text);
        elements.pop();
        sources.pop();
        positions.pop();
        lastChildren.pop();
        texts.pop();
        this.scope = scopes.pop()!;
        this.scopeId = scopeIds.pop()!;
        continue;
      }
      positions[top] = position + 1;
      const node = source[position]!;
      const key = firstKey(node);
      if (key === TEXT_KEY) {
        texts[top] += decodeCharacterData(stringValue(node[TEXT_KEY]));
      } else if (key === CDATA_KEY) {
        texts[top] += normalizeLineEnds(cdataValue(node[CDATA_KEY]));
      } else if (key !== undefined && key !== ATTRIBUTES_KEY) {
        if (elements.length >= this.maxDepth) throw new XmlError('too-deep', `elements are nested deeper than ${this.maxDepth}`);
        enter(node, key, element);
      }
    }
    return this.pack();
  }

  private addText(text: string): number {
    // Appending builds a rope, flattened once when first read or sent: far cheaper than a join.
    this.texts += text;
    return this.textOffsets.push(this.texts.length) - 2;
  }

  private pack(): PackedDocument {
    return {
      nodes: this.nodes.view(),
      symbols: this.symbols.join('\u0000'),
      texts: this.texts,
      textOffsets: this.textOffsets.view(),
      tables: this.tables.view(),
      scopeStarts: this.scopeStarts.view(),
      attributeSetStarts: this.attributeSetStarts.view(),
    };
  }

  /** Adds an element in the current scope, which its own declarations, if any, replace. */
  private addElement(node: OrderedNode, key: string): number {
    const raw = node[ATTRIBUTES_KEY] as Record<string, unknown> | undefined;
    let attributeSet = -1;
    if (raw !== undefined) {
      const attributed = this.attributed(raw);
      this.scope = attributed.scope;
      this.scopeId = attributed.scopeId;
      attributeSet = attributed.attributeSet;
    }
    const { scope } = this;
    const name = this.elementName(key);
    // Siblings share their scope, so the namespace of a repeated name is looked up once.
    if (name.scope !== scope) {
      if (name.prefix === 'xmlns') throw malformed(`element <${name.qname}> uses the reserved prefix xmlns`);
      const ns = lookupNamespace(scope, name.prefix);
      if (ns === undefined) throw unbound(name.prefix, name.qname);
      name.namespace = this.symbol(ns);
      name.scope = scope;
    }
    // In slot order: NAME, NS, FIRST_CHILD, NEXT_SIBLING, CHILD_COUNT, TEXT, SCOPE, ATTRIBUTES.
    const at = this.nodes.append(SLOTS);
    const nodes = this.nodes.values;
    nodes[at] = name.local;
    nodes[at + NS] = name.namespace;
    nodes[at + FIRST_CHILD] = -1;
    nodes[at + NEXT_SIBLING] = -1;
    nodes[at + CHILD_COUNT] = 0;
    nodes[at + TEXT] = -1;
    nodes[at + SCOPE] = this.scopeId;
    nodes[at + ATTRIBUTES] = attributeSet;
    return at / SLOTS;
  }

  private elementName(key: string): ElementName {
    let name = this.names.get(key);
    if (name === undefined) {
      const qname = key.charCodeAt(0) === 35 /* # */ ? key.slice(RENAMED.length) : key;
      const colon = qname.indexOf(':');
      const local = colon === -1 ? qname : qname.slice(colon + 1);
      name = { qname, prefix: colon === -1 ? '' : qname.slice(0, colon), local: this.symbol(local), scope: null, namespace: -1 };
      this.names.set(key, name);
    }
    return name;
  }

  /**
   * The scope and attributes of a start tag with attributes. Repeated tags (every `xsi:nil`
   * e-mail of a list, say) share one scope and one attribute set instead of making their own.
   */
  private attributed(raw: Record<string, unknown>): Attributed {
    let key = String(this.scopeId);
    for (const name in raw) key += `\u0000${name}\u0000${stringValue(raw[name])}`;
    let found = this.attributedTags.get(key);
    if (found === undefined) {
      const scope = declaredScope(raw, this.scope);
      const scopeId = scope === this.scope ? this.scopeId : this.addScope(scope);
      found = { scope, scopeId, attributeSet: this.addAttributeSet(raw, scope) };
      if (this.attributedTags.size < MAX_REMEMBERED_TAGS) this.attributedTags.set(key, found);
    }
    return found;
  }

  /** A scope declared on an element of the current scope, which is its parent. */
  private addScope(scope: NamespaceScope): number {
    const id = this.scopeStarts.push(this.tables.length) - 1;
    this.table(this.scopeId, scope.bindings.size);
    for (const [prefix, uri] of scope.bindings) this.table(this.symbol(prefix), this.symbol(uri));
    return id;
  }

  /** The attributes of a tag, xmlns declarations excluded; -1 when none is left. */
  private addAttributeSet(raw: Record<string, unknown>, scope: NamespaceScope): number {
    const start = this.tables.length;
    this.table(0, 0); // nil and count, set below
    let count = 0;
    let nil = false;
    let expandedNames: Set<string> | null = null;
    for (const key in raw) {
      const qname = key.slice(ATTRIBUTE_PREFIX.length);
      if (isDeclaration(qname)) continue;
      const decoded = decodeAttributeValue(stringValue(raw[key]));
      const value = this.addText(decoded);
      count++;
      const colon = qname.indexOf(':');
      if (colon === -1) {
        this.table(EMPTY_SYMBOL, this.symbol(qname), value, 0);
        continue;
      }
      const prefix = qname.slice(0, colon);
      const local = qname.slice(colon + 1);
      const ns = lookupNamespace(scope, prefix);
      if (ns === undefined) throw unbound(prefix, qname);
      // Two prefixes bound to one namespace can spell the same attribute twice; NUL separates
      // because it can be in neither part.
      expandedNames ??= new Set();
      const expanded = `${ns}\u0000${local}`;
      if (expandedNames.has(expanded)) throw malformed(`attribute {${ns}}${local} appears twice`);
      expandedNames.add(expanded);
      this.table(this.symbol(ns), this.symbol(local), value, 1);
      if (ns === XSI_NAMESPACE && local === 'nil') nil = isTrue(decoded);
    }
    if (count === 0) {
      this.tables.length = start;
      return -1;
    }
    const tables = this.tables.values;
    tables[start] = nil ? 1 : 0;
    tables[start + 1] = count;
    return this.attributeSetStarts.push(start) - 1;
  }

  private table(...values: number[]): void {
    for (const value of values) this.tables.push(value);
  }

  private symbol(value: string): number {
    let id = this.symbolIds.get(value);
    if (id === undefined) {
      id = this.symbols.push(value) - 1;
      this.symbolIds.set(value, id);
    }
    return id;
  }
}

function firstKey(node: OrderedNode): string | undefined {
  // Tag names cannot start with a digit, so insertion order is key order: the tag comes first.
  for (const key in node) return key;
  return undefined;
}

function elementKey(node: OrderedNode): string | undefined {
  const key = firstKey(node);
  return key === undefined || key === TEXT_KEY || key === CDATA_KEY || key === ATTRIBUTES_KEY ? undefined : key;
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
  return typeof first === 'object' && first !== null ? stringValue((first as OrderedNode)[TEXT_KEY]) : '';
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
  if (prefix === 'xmlns') throw malformed('the prefix xmlns cannot be declared');
  if (prefix === 'xml' ? uri !== XML_NAMESPACE : uri === XML_NAMESPACE) {
    throw malformed('the xml prefix and its namespace are bound only to each other');
  }
  if (uri === XMLNS_NAMESPACE) throw malformed('the xmlns namespace cannot be bound');
  if (prefix !== '' && uri === '') throw malformed(`prefix '${prefix}' cannot be undeclared in XML 1.0`);
}

function malformed(message: string): XmlError {
  return new XmlError('malformed', message);
}

function unbound(prefix: string, qname: string): XmlError {
  return new XmlError('unbound-prefix', `prefix '${prefix}' of '${qname}' is not declared`);
}
