import { XML_NAMESPACE } from './xml-names.js';
import { decodeCharacterData } from './xml-text.js';

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

export const noAttributes: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);

/** What the few elements with attributes carry besides their place in the tree. */
export interface ElementAttributes {
  readonly attributes: Readonly<Record<string, string>>;
  /** Every attribute with its namespace; null when none is prefixed (then `attributes` is exact). */
  readonly qualified: readonly QualifiedAttribute[] | null;
  readonly nil: boolean;
}

// The slots of one element in XmlDocument.nodes.
const NAME = 0, NS = 1, FIRST_CHILD = 2, LAST_CHILD = 3, NEXT_SIBLING = 4, CHILD_COUNT = 5;
const TEXT_KIND = 6, TEXT_START = 7, TEXT_END = 8, SCOPE = 9, ATTRIBUTES = 10;
const SLOTS = 11;

/** How an element's text is kept: TEXT_START and TEXT_END are a range of the markup, or an index into `texts`. */
export const enum TextKind {
  None = 0,
  /** Exactly the markup: ASCII (or any text, reading a string), no reference, no CR. */
  Plain = 1,
  /** UTF-8 bytes to decode, nothing else. */
  Utf8 = 2,
  /** Character data with references or CRs (already proven well-formed) to decode. */
  CharacterData = 3,
  /** `texts[TEXT_START]`: joined from several pieces, or CDATA. */
  Stored = 4,
}

/** Each distinct string once, numbered in order of arrival. */
class StringTable {
  private readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  idOf(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.strings.push(value) - 1;
      this.ids.set(value, id);
    }
    return id;
  }

  find(value: string): number | undefined {
    return this.ids.get(value);
  }

  at(id: number): string {
    return this.strings[id]!;
  }
}

/**
 * A parsed document, kept compact: the tree is numbers in one typed array (ten per element) and
 * names, namespaces and decoded text live in small tables, while text that needs no decoding is
 * only an offset range into the document. Nothing per element is a JavaScript object until it is
 * read, so building the tree of a large reply leaves the garbage collector almost nothing to
 * copy; elements are read through short-lived {@link ElementView}s.
 */
export class XmlDocument {
  private nodes = new Int32Array(SLOTS * 64);
  private count = 0;
  private readonly names = new StringTable();
  private readonly namespaces = new StringTable();
  private readonly scopes: NamespaceScope[] = [rootScope];
  private readonly texts: string[] = [];
  private readonly attributeSets: ElementAttributes[] = [];

  /** The document as the parser reads it (see XmlSource): text ranges point into it. */
  constructor(
    private readonly markup: string,
    private readonly bytes: Buffer | null,
  ) {}

  nameId(name: string): number {
    return this.names.idOf(name);
  }

  namespaceId(ns: string): number {
    return this.namespaces.idOf(ns);
  }

  scopeId(scope: NamespaceScope): number {
    return this.scopes.push(scope) - 1;
  }

  scopeOf(element: number): NamespaceScope {
    return this.scopes[this.nodes[element * SLOTS + SCOPE]!]!;
  }

  /** Appends an element as the last child of `parent` (-1 for the root) and returns it. */
  addElement(parent: number, nameId: number, namespaceId: number, scopeId: number, attributes: ElementAttributes | null): number {
    const element = this.count++;
    let nodes = this.nodes;
    if ((element + 1) * SLOTS > nodes.length) {
      const grown = new Int32Array(nodes.length * 2);
      grown.set(nodes);
      this.nodes = nodes = grown;
    }
    const at = element * SLOTS;
    nodes[at + NAME] = nameId;
    nodes[at + NS] = namespaceId;
    nodes[at + FIRST_CHILD] = -1;
    nodes[at + LAST_CHILD] = -1;
    nodes[at + NEXT_SIBLING] = -1;
    nodes[at + CHILD_COUNT] = 0;
    nodes[at + TEXT_KIND] = TextKind.None;
    nodes[at + SCOPE] = scopeId;
    nodes[at + ATTRIBUTES] = attributes === null ? -1 : this.attributeSets.push(attributes) - 1;
    if (parent !== -1) {
      const p = parent * SLOTS;
      const last = nodes[p + LAST_CHILD]!;
      if (last === -1) nodes[p + FIRST_CHILD] = element;
      else nodes[last * SLOTS + NEXT_SIBLING] = element;
      nodes[p + LAST_CHILD] = element;
      nodes[p + CHILD_COUNT]!++;
    }
    return element;
  }

  /**
   * Adds a range of the markup as text, to be decoded when read (the parser has proven it
   * well-formed). Text is kept as a range, not a string, so a large document costs the garbage
   * collector nothing per element; only an element whose text comes in pieces stores a string.
   */
  addTextRange(element: number, kind: TextKind.Plain | TextKind.Utf8 | TextKind.CharacterData, start: number, end: number): void {
    const at = element * SLOTS;
    if (this.nodes[at + TEXT_KIND] === TextKind.None) {
      this.nodes[at + TEXT_KIND] = kind;
      this.nodes[at + TEXT_START] = start;
      this.nodes[at + TEXT_END] = end;
    } else {
      this.addText(element, decodeRange(this.markup, this.bytes, kind, start, end));
    }
  }

  /** Adds decoded text. */
  addText(element: number, text: string): void {
    const at = element * SLOTS;
    if (this.nodes[at + TEXT_KIND] === TextKind.Stored) {
      this.texts[this.nodes[at + TEXT_START]!] += text;
      return;
    }
    const before = this.textOf(element);
    this.nodes[at + TEXT_KIND] = TextKind.Stored;
    this.nodes[at + TEXT_START] = this.texts.push(before + text) - 1;
  }

  view(element: number): ElementView {
    return new ElementView(this, element);
  }

  nameOf(element: number): string {
    return this.names.at(this.nodes[element * SLOTS + NAME]!);
  }

  namespaceOf(element: number): string {
    return this.namespaces.at(this.nodes[element * SLOTS + NS]!);
  }

  textOf(element: number): string {
    const at = element * SLOTS;
    const kind = this.nodes[at + TEXT_KIND] as TextKind;
    if (kind === TextKind.None) return '';
    if (kind === TextKind.Stored) return this.texts[this.nodes[at + TEXT_START]!]!;
    return decodeRange(this.markup, this.bytes, kind, this.nodes[at + TEXT_START]!, this.nodes[at + TEXT_END]!);
  }

  attributesOf(element: number): ElementAttributes | undefined {
    const index = this.nodes[element * SLOTS + ATTRIBUTES]!;
    return index === -1 ? undefined : this.attributeSets[index];
  }

  childCount(element: number): number {
    return this.nodes[element * SLOTS + CHILD_COUNT]!;
  }

  children(element: number): ElementView[] {
    const found: ElementView[] = [];
    for (let child = this.nodes[element * SLOTS + FIRST_CHILD]!; child !== -1; child = this.nodes[child * SLOTS + NEXT_SIBLING]!) {
      found.push(new ElementView(this, child));
    }
    return found;
  }

  /** Children with this local name (and namespace, unless undefined), in document order. */
  childrenNamed(element: number, localName: string, ns: string | undefined): ElementView[] {
    const found: ElementView[] = [];
    const nameId = this.names.find(localName);
    if (nameId === undefined) return found;
    let namespaceId = -1;
    if (ns !== undefined) {
      namespaceId = this.namespaces.find(ns) ?? -2;
      if (namespaceId === -2) return found;
    }
    const { nodes } = this;
    for (let child = nodes[element * SLOTS + FIRST_CHILD]!; child !== -1; child = nodes[child * SLOTS + NEXT_SIBLING]!) {
      const at = child * SLOTS;
      if (nodes[at + NAME] === nameId && (namespaceId === -1 || nodes[at + NS] === namespaceId)) found.push(new ElementView(this, child));
    }
    return found;
  }
}

function decodeRange(markup: string, bytes: Buffer | null, kind: TextKind, start: number, end: number): string {
  if (kind === TextKind.Plain) return markup.slice(start, end);
  const raw = bytes === null ? markup.slice(start, end) : bytes.toString('utf8', start, end);
  return kind === TextKind.CharacterData ? decodeCharacterData(raw) : raw;
}

const noChildren: readonly ElementView[] = Object.freeze([]);

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

  get childCount(): number {
    return this.document.childCount(this.index);
  }

  get scope(): NamespaceScope {
    return this.document.scopeOf(this.index);
  }
}
