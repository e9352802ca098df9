import { readFile } from 'node:fs/promises';
import soap from 'soap';
import type { SoapVersion } from './soap-version.js';
import { childrenNamed, parseXml, type XmlElement } from './xml-tree.js';

/**
 * What Ficus needs to know of a WSDL: per operation its SOAP version, action and the shape of the
 * request and reply elements (names, namespaces, which elements repeat). node-soap reads the WSDL
 * and its XSDs (imports and includes too); the binding's SOAP version, which node-soap does not
 * keep, is read from the WSDL document itself.
 */

export interface ElementShape {
  readonly name: string;
  readonly ns: string;
  /** maxOccurs > 1: always a list, even with one element. */
  readonly repeated: boolean;
  /** Child elements in schema order; null when the element has simple content. */
  readonly children: ReadonlyMap<string, ElementShape> | null;
}

export interface WsdlOperation {
  readonly name: string;
  readonly soapVersion: SoapVersion;
  readonly action: string | undefined;
  readonly input: ElementShape;
  readonly output: ElementShape;
}

export interface WsdlContract {
  readonly source: string;
  readonly operations: ReadonlyMap<string, WsdlOperation>;
}

export class WsdlError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WsdlError';
  }
}

const bindingNamespaces: Readonly<Record<string, SoapVersion>> = {
  'http://schemas.xmlsoap.org/wsdl/soap/': '1.1',
  'http://schemas.xmlsoap.org/wsdl/soap12/': '1.2',
};
const wsdlNamespace = 'http://schemas.xmlsoap.org/wsdl/';

/** The node-soap description of an element: `name[]` marks repetition, strings are simple types. */
type Description = { [key: string]: Description | string };
type ServiceDescription = Record<string, Record<string, Record<string, { input: Description; output: Description }>>>;

export async function loadWsdl(path: string): Promise<WsdlContract> {
  let client: soap.Client;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
    client = await soap.createClientAsync(path, { disableCache: true });
  } catch (error) {
    throw new WsdlError(`cannot read the WSDL ${path}: ${(error as Error).message}`, { cause: error });
  }
  const versions = portVersions(text);
  const definitions = client.wsdl.definitions;
  const qualified = qualifiedNamespaces(definitions.schemas);
  const description = client.describe() as ServiceDescription;
  const xmlns = definitions.xmlns ?? {};
  const operations = new Map<string, WsdlOperation>();

  for (const [serviceName, service] of Object.entries(definitions.services)) {
    for (const [portName, port] of Object.entries(service.ports)) {
      const soapVersion = versions.get(`${serviceName}/${portName}`);
      if (soapVersion === undefined) continue; // an HTTP or other non-SOAP binding
      if (port.binding.style === 'rpc') {
        throw new WsdlError(`${path}: port ${portName} has an rpc style binding; Ficus supports document/literal`);
      }
      for (const [operationName, method] of Object.entries(port.binding.methods)) {
        const described = description[serviceName]?.[portName]?.[operationName];
        if (operations.has(operationName) || !described) continue;
        const input = rootShape(lookupTypeOf(method.input), described.input, xmlns, qualified, `${operationName} input`);
        const output = rootShape(lookupTypeOf(method.output), described.output, xmlns, qualified, `${operationName} output`);
        operations.set(operationName, { name: operationName, soapVersion, action: method.soapAction || undefined, input, output });
      }
    }
  }
  if (operations.size === 0) throw new WsdlError(`${path}: no SOAP 1.1 or 1.2 document/literal operation found`);
  return { source: path, operations };
}

/** node-soap records the message's element as `$lookupType` on input and output alike (typed on input only). */
function lookupTypeOf(message: object | undefined): string | undefined {
  const lookupType = (message as { $lookupType?: unknown } | undefined)?.$lookupType;
  return typeof lookupType === 'string' ? lookupType : undefined;
}

function rootShape(
  lookupType: string | undefined,
  described: Description,
  xmlns: Record<string, string | void>,
  qualified: ReadonlySet<string>,
  what: string,
): ElementShape {
  if (!lookupType) throw new WsdlError(`${what}: the message has no element part (document/literal wrapped expected)`);
  const separator = lookupType.indexOf(':');
  const prefix = separator < 0 ? '__tns__' : lookupType.slice(0, separator);
  const name = lookupType.slice(separator + 1);
  const ns = xmlns[prefix] || '';
  return { name, ns, repeated: false, children: childShapes(described, ns, qualified) };
}

/** Local elements are in the schema's namespace only where it says elementFormDefault="qualified". */
function qualifiedNamespaces(schemas: Record<string, { $elementFormDefault?: string; $targetNamespace?: string }>): Set<string> {
  const namespaces = new Set<string>();
  for (const [namespace, schema] of Object.entries(schemas)) {
    if (schema.$elementFormDefault === 'qualified') namespaces.add(schema.$targetNamespace ?? namespace);
  }
  return namespaces;
}

function childShapes(described: Description, parentNs: string, qualified: ReadonlySet<string>): ReadonlyMap<string, ElementShape> {
  const declared = described['targetNamespace'];
  const typeNs = typeof declared === 'string' ? declared : parentNs;
  const ns = qualified.has(typeNs) ? typeNs : '';
  const children = new Map<string, ElementShape>();
  for (const [key, value] of Object.entries(described)) {
    if (key === 'targetNSAlias' || key === 'targetNamespace') continue;
    const repeated = key.endsWith('[]');
    const name = repeated ? key.slice(0, -2) : key;
    children.set(name, { name, ns, repeated, children: typeof value === 'string' ? null : childShapes(value, typeNs, qualified) });
  }
  return children;
}

/**
 * `service/port` -> SOAP version, from the `soap:binding` / `soap12:binding` child of the port's
 * wsdl:binding (node-soap keeps neither the binding's name nor its version).
 */
function portVersions(text: string): Map<string, SoapVersion> {
  const root = parseXml(text, { maxBytes: 50 * 1024 * 1024, maxDepth: 256 });
  const bindings = new Map<string, SoapVersion>();
  for (const binding of childrenNamed(root, 'binding', wsdlNamespace)) {
    const version = soapBindingVersion(binding);
    const name = binding.attributes['name'];
    if (version && name) bindings.set(name, version);
  }
  const versions = new Map<string, SoapVersion>();
  for (const service of childrenNamed(root, 'service', wsdlNamespace)) {
    for (const port of childrenNamed(service, 'port', wsdlNamespace)) {
      const bindingRef = port.attributes['binding'] ?? '';
      const version = bindings.get(bindingRef.slice(bindingRef.indexOf(':') + 1));
      if (version) versions.set(`${service.attributes['name']}/${port.attributes['name']}`, version);
    }
  }
  return versions;
}

function soapBindingVersion(binding: XmlElement): SoapVersion | undefined {
  for (const child of binding.children) {
    const version = child.name === 'binding' ? bindingNamespaces[child.ns] : undefined;
    if (version) return version;
  }
  return undefined;
}
