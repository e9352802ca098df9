import { XMLBuilder } from 'fast-xml-parser';
import type { XmlBuilderOptions } from 'fast-xml-parser';
import { SoapRequestError } from './request-error.js';
import { XSI_NAMESPACE, isNCName } from './xml-names.js';
import { describeCodeUnit, findIllegalCharacter } from './xml-text.js';

/** An element to write. Children are written in order; `text` is escaped by construction. */
export interface XmlNode {
  name: string;
  /** Namespace URI; absent or '' writes an unqualified (unprefixed, no-namespace) element. */
  ns?: string;
  text?: string;
  /** Writes xsi:nil="true"; such an element has no text and no children. */
  nil?: boolean;
  /** Unqualified attributes by name. */
  attributes?: Record<string, string>;
  /** Namespace-qualified attributes, e.g. WS-Security's `wsu:Id` or SOAP's `mustUnderstand`. */
  qualifiedAttributes?: ReadonlyArray<{ readonly ns: string; readonly name: string; readonly value: string }>;
  children?: XmlNode[];
}

/** Deeper trees are refused; this also stops a cyclic XmlNode graph. */
export const MAX_WRITE_DEPTH = 128;

/** The builder's preserveOrder input: `{ [qname]: children, ':@'?: attributes }` or `{ '#text': s }`. */
type BuilderNode = Record<string, unknown>;

const TEXT = '#text';
const ATTRIBUTES = ':@';
const ATTRIBUTE_PREFIX = '@_';

// The builder escapes with this list (it replaces the default one). CR, LF and TAB are written as
// references because a reader normalizes them: CR to LF everywhere, all three to spaces in
// attribute values. The builder applies one list to text and attributes alike.
// `entities` is accepted by the builder but missing from fast-xml-parser's types.
const escapes = [
  { regex: /&/g, val: '&amp;' }, // first, so the references below are not escaped again
  { regex: /</g, val: '&lt;' },
  { regex: />/g, val: '&gt;' },
  { regex: /"/g, val: '&quot;' },
  { regex: /'/g, val: '&apos;' },
  { regex: /\r/g, val: '&#13;' },
  { regex: /\n/g, val: '&#10;' },
  { regex: /\t/g, val: '&#9;' },
];

const builderOptions: XmlBuilderOptions & { entities: typeof escapes } = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  textNodeName: TEXT,
  processEntities: true,
  suppressEmptyNode: true,
  format: false,
  maxNestedTags: MAX_WRITE_DEPTH + 1,
  entities: escapes,
};

const builder = new XMLBuilder(builderOptions);

const xmlDeclaration: BuilderNode = {
  '?xml': [{ [TEXT]: '' }],
  [ATTRIBUTES]: { [`${ATTRIBUTE_PREFIX}version`]: '1.0', [`${ATTRIBUTE_PREFIX}encoding`]: 'utf-8' },
};

/**
 * Writes `root` as a UTF-8 XML document with fast-xml-parser's builder. Namespaces get the
 * prefix in `fixedPrefixes` or else ns1, ns2, … in document order, all declared on the root.
 * Throws {@link SoapRequestError} for names, characters or shapes that would not round-trip.
 */
export function writeXml(root: XmlNode, fixedPrefixes: ReadonlyMap<string, string>): string {
  const prefixes = new Prefixes(fixedPrefixes);
  const top: BuilderNode[] = [];
  // Parallel stacks: the node to convert, the builder array it goes into, its depth.
  const nodes: XmlNode[] = [root];
  const targets: BuilderNode[][] = [top];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as XmlNode;
    const target = targets.pop() as BuilderNode[];
    const depth = depths.pop() as number;
    if (depth > MAX_WRITE_DEPTH) throw new SoapRequestError('invalid-tree', `XML tree is deeper than ${MAX_WRITE_DEPTH}`);
    const children = checkedChildren(node);
    const content: BuilderNode[] = [];
    const built: BuilderNode = { [qualifiedName(node, prefixes)]: content };
    const attributes = builtAttributes(node, prefixes);
    if (attributes !== null) built[ATTRIBUTES] = attributes;
    target.push(built);
    const text = checkedText(node, children.length);
    if (text !== '') content.push({ [TEXT]: text });
    for (let i = children.length - 1; i >= 0; i--) {
      nodes.push(children[i] as XmlNode);
      targets.push(content);
      depths.push(depth + 1);
    }
  }
  const rootNode = top[0] as BuilderNode;
  rootNode[ATTRIBUTES] = { ...prefixes.declarations(), ...(rootNode[ATTRIBUTES] as Record<string, string> | undefined) };
  return builder.build([xmlDeclaration, rootNode]) as string;
}

class Prefixes {
  private readonly assigned = new Map<string, string>();
  private generated = 0;

  constructor(private readonly fixed: ReadonlyMap<string, string>) {}

  prefixFor(ns: string): string {
    let prefix = this.assigned.get(ns);
    if (prefix === undefined) {
      prefix = this.fixed.get(ns) ?? `ns${++this.generated}`;
      this.assigned.set(ns, prefix);
    }
    return prefix;
  }

  declarations(): Record<string, string> {
    const declarations: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [ns, prefix] of this.assigned) declarations[`${ATTRIBUTE_PREFIX}xmlns:${prefix}`] = ns;
    return declarations;
  }
}

function qualifiedName(node: XmlNode, prefixes: Prefixes): string {
  const { name, ns } = node;
  if (typeof name !== 'string' || !isNCName(name)) {
    throw new SoapRequestError('invalid-name', `'${String(name)}' is not a valid XML element name`);
  }
  if (ns === undefined || ns === '') return name;
  if (typeof ns !== 'string') throw new SoapRequestError('invalid-tree', `namespace of <${name}> is not a string`);
  requireLegalCharacters(ns, `namespace of <${name}>`);
  return `${prefixes.prefixFor(ns)}:${name}`;
}

function builtAttributes(node: XmlNode, prefixes: Prefixes): Record<string, string> | null {
  let built: Record<string, string> | null = null;
  if (node.attributes !== undefined) {
    for (const [name, value] of Object.entries(node.attributes)) {
      if (!isNCName(name) || name === 'xmlns') {
        throw new SoapRequestError('invalid-name', `'${name}' is not a valid attribute name on <${node.name}>`);
      }
      if (typeof value !== 'string') throw new SoapRequestError('invalid-tree', `attribute '${name}' of <${node.name}> is not a string`);
      requireLegalCharacters(value, `attribute '${name}' of <${node.name}>`);
      built ??= Object.create(null) as Record<string, string>;
      built[ATTRIBUTE_PREFIX + name] = value;
    }
  }
  for (const { ns, name, value } of node.qualifiedAttributes ?? []) {
    if (typeof ns !== 'string' || ns === '' || !isNCName(name) || name === 'xmlns') {
      throw new SoapRequestError('invalid-name', `'${String(name)}' in '${String(ns)}' is not a valid qualified attribute on <${node.name}>`);
    }
    if (typeof value !== 'string') throw new SoapRequestError('invalid-tree', `attribute '${name}' of <${node.name}> is not a string`);
    requireLegalCharacters(ns, `namespace of attribute '${name}' of <${node.name}>`);
    requireLegalCharacters(value, `attribute '${name}' of <${node.name}>`);
    built ??= Object.create(null) as Record<string, string>;
    built[`${ATTRIBUTE_PREFIX}${prefixes.prefixFor(ns)}:${name}`] = value;
  }
  if (node.nil === true) {
    built ??= Object.create(null) as Record<string, string>;
    built[`${ATTRIBUTE_PREFIX}${prefixes.prefixFor(XSI_NAMESPACE)}:nil`] = 'true';
  }
  return built;
}

function checkedChildren(node: XmlNode): readonly XmlNode[] {
  const children = node.children ?? [];
  if (!Array.isArray(children)) throw new SoapRequestError('invalid-tree', `children of <${node.name}> are not an array`);
  if (node.nil === true && children.length > 0) {
    throw new SoapRequestError('invalid-tree', `<${node.name}> is nil and cannot have children`);
  }
  return children;
}

function checkedText(node: XmlNode, childCount: number): string {
  const text = node.text ?? '';
  if (typeof text !== 'string') throw new SoapRequestError('invalid-tree', `text of <${node.name}> is not a string`);
  if (text === '') return text;
  if (node.nil === true) throw new SoapRequestError('invalid-tree', `<${node.name}> is nil and cannot have text`);
  if (childCount > 0) throw new SoapRequestError('invalid-tree', `<${node.name}> has both text and children (mixed content)`);
  requireLegalCharacters(text, `text of <${node.name}>`);
  return text;
}

function requireLegalCharacters(value: string, where: string): void {
  const index = findIllegalCharacter(value);
  if (index !== -1) {
    throw new SoapRequestError('invalid-char', `${where} contains ${describeCodeUnit(value, index)} at index ${index}, which XML 1.0 cannot carry`);
  }
}
