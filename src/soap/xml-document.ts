import { XML_NAMESPACE } from './xml-names.js';

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

export interface QualifiedAttribute {
  readonly ns: string;
  readonly name: string;
  readonly value: string;
}

/** Namespace bindings declared on one element, linked to the enclosing scope. */
export interface NamespaceScope {
  readonly bindings: ReadonlyMap<string, string>;
  readonly parent: NamespaceScope | null;
}

export const rootScope: NamespaceScope = {
  bindings: new Map([['xml', XML_NAMESPACE], ['', '']]),
  parent: null,
};

export function lookupNamespace(scope: NamespaceScope, prefix: string): string | undefined {
  for (let current: NamespaceScope | null = scope; current !== null; current = current.parent) {
    const uri = current.bindings.get(prefix);
    if (uri !== undefined) return uri;
  }
  return undefined;
}

/**
 * A parsed document in a compact form that can cross a thread boundary for the price of copying
 * two strings: the tree is numbers in typed arrays (transferred, not copied), and every name,
 * namespace, text and attribute value lives in the two strings. Built by `xml-build.ts` from
 * fast-xml-parser's output, on the event loop for small replies and in a worker for large ones;
 * read through {@link XmlDocument}.
 *
 * - `nodes`: {@link SLOTS} numbers per element in document order, the root first: its local name
 *   and namespace (symbols), first child, next sibling, child count (elements), text (-1: none),
 *   namespace scope and attribute set (-1: none).
 * - `symbols`: names, prefixes and namespace URIs, each once, joined by NUL (which XML cannot hold).
 * - `texts` and `textOffsets`: every text and attribute value, concatenated; text i is
 *   `texts.slice(textOffsets[i], textOffsets[i + 1])`.
 * - `tables`: namespace scopes and attribute sets, each starting at an offset given by
 *   `scopeStarts` / `attributeSetStarts`. Scope 0 is {@link rootScope} and has no entry; another
 *   scope is `parent, count, (prefix, uri)*`, an attribute set `nil, count, (ns, local, value, prefixed)*`
 *   (symbols, and a text for the value).
 */
export interface PackedDocument {
  readonly nodes: Int32Array;
  readonly symbols: string;
  readonly texts: string;
  readonly textOffsets: Int32Array;
  readonly tables: Int32Array;
  readonly scopeStarts: Int32Array;
  readonly attributeSetStarts: Int32Array;
}

/** The buffers of a document's arrays: a worker posts them in the transfer list, so they move rather than being copied. */
export function transferList(document: PackedDocument): ArrayBuffer[] {
  const { nodes, textOffsets, tables, scopeStarts, attributeSetStarts } = document;
  // Lists may share a buffer (xml-build.ts starts them in one), and a buffer can be listed once only.
  return [...new Set([nodes, textOffsets, tables, scopeStarts, attributeSetStarts].map((array) => array.buffer as ArrayBuffer))];
}

// The slots of one element in PackedDocument.nodes.
export const NAME = 0, NS = 1, FIRST_CHILD = 2, NEXT_SIBLING = 3, CHILD_COUNT = 4, TEXT = 5, SCOPE = 6, ATTRIBUTES = 7;
export const SLOTS = 8;
/** The symbol of the empty string, and the scope with only the `xml` and empty default bindings. */
export const EMPTY_SYMBOL = 0, ROOT_SCOPE = 0;

const noAttributes: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);
const noChildren: readonly ElementView[] = Object.freeze([]);

interface ElementAttributes {
  readonly attributes: Readonly<Record<string, string>>;
  /** Every attribute with its namespace; null when none is prefixed (then `attributes` is exact). */
  readonly qualified: readonly QualifiedAttribute[] | null;
  readonly nil: boolean;
}

/**
 * Reads a {@link PackedDocument}. Elements are short-lived {@link ElementView}s made on demand,
 * so a large reply costs the garbage collector a few arrays, not one object per element; scopes
 * and attribute sets become objects when first read, once per set (repeated tags share theirs).
 */
export class XmlDocument {
  private readonly nodes: Int32Array;
  private readonly symbols: readonly string[];
  private symbolIds: Map<string, number> | null = null;
  private readonly scopes: (NamespaceScope | undefined)[] = [rootScope];
  private readonly attributeSets: (ElementAttributes | undefined)[] = [];

  constructor(private readonly packed: PackedDocument) {
    this.nodes = packed.nodes;
    this.symbols = packed.symbols.split('\u0000');
  }

  get root(): ElementView {
    return new ElementView(this, 0);
  }

  nameOf(element: number): string {
    return this.symbols[this.nodes[element * SLOTS + NAME]!]!;
  }

  namespaceOf(element: number): string {
    return this.symbols[this.nodes[element * SLOTS + NS]!]!;
  }

  textOf(element: number): string {
    const text = this.nodes[element * SLOTS + TEXT]!;
    return text === -1 ? '' : this.text(text);
  }

  childCount(element: number): number {
    return this.nodes[element * SLOTS + CHILD_COUNT]!;
  }

  children(element: number): ElementView[] {
    const { nodes } = this;
    const found: ElementView[] = [];
    for (let child = nodes[element * SLOTS + FIRST_CHILD]!; child !== -1; child = nodes[child * SLOTS + NEXT_SIBLING]!) {
      found.push(new ElementView(this, child));
    }
    return found;
  }

  /** Children with this local name (and namespace, unless undefined), in document order. */
  childrenNamed(element: number, localName: string, ns: string | undefined): ElementView[] {
    const found: ElementView[] = [];
    this.symbolIds ??= new Map(this.symbols.map((symbol, id) => [symbol, id]));
    const name = this.symbolIds.get(localName);
    const namespace = ns === undefined ? -1 : this.symbolIds.get(ns);
    if (name === undefined || namespace === undefined) return found;
    const { nodes } = this;
    for (let child = nodes[element * SLOTS + FIRST_CHILD]!; child !== -1; child = nodes[child * SLOTS + NEXT_SIBLING]!) {
      const at = child * SLOTS;
      if (nodes[at + NAME] === name && (namespace === -1 || nodes[at + NS] === namespace)) found.push(new ElementView(this, child));
    }
    return found;
  }

  attributesOf(element: number): ElementAttributes | undefined {
    const set = this.nodes[element * SLOTS + ATTRIBUTES]!;
    if (set === -1) return undefined;
    return (this.attributeSets[set] ??= this.readAttributeSet(set));
  }

  scopeOf(element: number): NamespaceScope {
    return this.scope(this.nodes[element * SLOTS + SCOPE]!);
  }

  private text(id: number): string {
    const { textOffsets, texts } = this.packed;
    return texts.slice(textOffsets[id]!, textOffsets[id + 1]!);
  }

  private scope(id: number): NamespaceScope {
    const known = this.scopes[id];
    if (known !== undefined) return known;
    const { tables } = this.packed;
    let at = this.packed.scopeStarts[id]!;
    const parent = this.scope(tables[at++]!);
    const bindings = new Map<string, string>();
    for (let count = tables[at++]!; count > 0; count--, at += 2) bindings.set(this.symbols[tables[at]!]!, this.symbols[tables[at + 1]!]!);
    const scope: NamespaceScope = { bindings, parent };
    this.scopes[id] = scope;
    return scope;
  }

  private readAttributeSet(id: number): ElementAttributes {
    const { tables } = this.packed;
    let at = this.packed.attributeSetStarts[id]!;
    const nil = tables[at++] === 1;
    const attributes = Object.create(null) as Record<string, string>;
    const all: QualifiedAttribute[] = [];
    let prefixed = false;
    for (let count = tables[at++]!; count > 0; count--, at += 4) {
      const ns = this.symbols[tables[at]!]!;
      const name = this.symbols[tables[at + 1]!]!;
      const value = this.text(tables[at + 2]!);
      all.push({ ns, name, value });
      if (tables[at + 3] === 1) {
        prefixed = true;
        if (!(name in attributes)) attributes[name] = value;
      } else {
        attributes[name] = value; // unprefixed wins a local-name clash
      }
    }
    return Object.freeze({ attributes: Object.freeze(attributes), qualified: prefixed ? Object.freeze(all) : null, nil });
  }
}

/** An element of an {@link XmlDocument}, read on demand. */
export class ElementView implements XmlElement {
  private childViews: readonly ElementView[] | null = null;

  constructor(
    readonly document: XmlDocument,
    readonly index: number,
  ) {}

  get name(): string {
    return this.document.nameOf(this.index);
  }

  get ns(): string {
    return this.document.namespaceOf(this.index);
  }

  get attributes(): Readonly<Record<string, string>> {
    return this.document.attributesOf(this.index)?.attributes ?? noAttributes;
  }

  get qualifiedAttributes(): readonly QualifiedAttribute[] | null {
    return this.document.attributesOf(this.index)?.qualified ?? null;
  }

  get nil(): boolean {
    return this.document.attributesOf(this.index)?.nil ?? false;
  }

  get text(): string {
    return this.document.textOf(this.index);
  }

  get children(): readonly ElementView[] {
    this.childViews ??= this.document.childCount(this.index) === 0 ? noChildren : this.document.children(this.index);
    return this.childViews;
  }

  get scope(): NamespaceScope {
    return this.document.scopeOf(this.index);
  }
}
