import { SoapEnvelopeError } from './envelope-error.js';
import { parseFault } from './fault.js';
import type { SoapFault } from './fault.js';
import { SoapRequestError } from './request-error.js';
import { envelopeNamespace, versionOfNamespace } from './soap-version.js';
import type { SoapVersion } from './soap-version.js';
import { XSI_NAMESPACE } from './xml-names.js';
import type { XmlParser } from './xml-parser.js';
import { runInSlices } from './xml-slices.js';
import { childrenNamed, startParser } from './xml-tree.js';
import type { XmlElement, XmlLimits } from './xml-tree.js';
import { writeXml } from './xml-write.js';
import type { XmlNode } from './xml-write.js';

export { envelopeNamespace } from './soap-version.js';
export type { SoapVersion } from './soap-version.js';
export type { XmlNode } from './xml-write.js';
export { SoapEnvelopeError, isSoapEnvelopeError } from './envelope-error.js';
export type { SoapEnvelopeErrorKind } from './envelope-error.js';

const fixedPrefixes: Readonly<Record<SoapVersion, ReadonlyMap<string, string>>> = {
  '1.1': new Map([[envelopeNamespace['1.1'], 'soap'], [XSI_NAMESPACE, 'xsi']]),
  '1.2': new Map([[envelopeNamespace['1.2'], 'env'], [XSI_NAMESPACE, 'xsi']]),
};

/**
 * Writes a request envelope around `body` (and `header` blocks, if any) with fast-xml-parser's
 * builder; values are escaped by construction. Throws {@link SoapRequestError}.
 *
 * @example
 * buildEnvelope('1.1', { name: 'GetCustomer', ns: 'urn:acme:crm:v1', children: [{ name: 'CustNo', text: '42' }] });
 * // <?xml …?><soap:Envelope xmlns:soap="…" xmlns:ns1="urn:acme:crm:v1"><soap:Body><ns1:GetCustomer><CustNo>42</CustNo>…
 */
export function buildEnvelope(version: SoapVersion, body: XmlNode, header?: XmlNode[]): string {
  const ns = envelopeNamespace[version];
  const parts: XmlNode[] = [];
  if (header !== undefined && header.length > 0) parts.push({ name: 'Header', ns, children: header });
  parts.push({ name: 'Body', ns, children: [body] });
  return writeXml({ name: 'Envelope', ns, children: parts }, fixedPrefixes[version]);
}

// Visible ASCII and space, minus the quote and backslash that would end or escape the quoted value.
const safeAction = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * HTTP headers for a SOAP request. Compute them once per operation, when a mapping is compiled.
 * Throws {@link SoapRequestError} 'invalid-action' rather than let the action inject a header.
 */
export function soapRequestHeaders(version: SoapVersion, action: string | undefined): Record<string, string> {
  if (action !== undefined && (typeof action !== 'string' || !safeAction.test(action))) {
    throw new SoapRequestError('invalid-action', `SOAP action ${JSON.stringify(action)} contains characters not allowed in a header`);
  }
  if (version === '1.1') {
    return { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action ?? ''}"` };
  }
  return {
    'content-type': action === undefined
      ? 'application/soap+xml; charset=utf-8'
      : `application/soap+xml; charset=utf-8; action="${action}"`,
  };
}

export interface SoapReply {
  readonly version: SoapVersion;
  /** First element child of Body (the Fault itself when there is one), null if Body is empty. */
  readonly body: XmlElement | null;
  readonly fault: SoapFault | null;
  readonly header: XmlElement | null;
}

/**
 * Parses a reply and opens its envelope. Throws {@link XmlError} for bad XML and
 * {@link SoapEnvelopeError} for XML that is not an envelope of the expected version.
 */
export function openEnvelope(reply: string | Uint8Array, expected: SoapVersion, limits?: XmlLimits): SoapReply {
  const parser = startParser(reply, limits);
  parser.parse();
  return envelopeOf(parser.root as XmlElement, expected);
}

/** A reply being read: what it says about the upstream's health at once, the whole of it later. */
export interface EnvelopeReading {
  /** The Body's fault, read whole, or null when the Body holds something else. */
  readonly fault: SoapFault | null;
  /** True for a large reply, read in slices: its further processing should yield to the event loop too. */
  readonly large: boolean;
  /** The whole reply; rejects with {@link XmlError} or {@link SoapEnvelopeError}. */
  complete(): Promise<SoapReply>;
}

/** Replies up to this many characters are read at once; slicing them would cost more than it saves. */
const READ_AT_ONCE = 64 * 1024;
/** Characters read per turn of the event loop: a few milliseconds of work. */
const SLICE = 64 * 1024;

/**
 * Opens a reply without holding the event loop for long. Synchronously it reads as far as the
 * Body's first element: enough to refuse a reply that is not the expected envelope and to read a
 * fault (whole), which is what an upstream's breaker needs to judge the reply. A large reply's
 * rest is read by `complete()`, a slice per turn of the event loop; a flaw there rejects
 * `complete()` (the upstream answered, so it is not counted against its health, like a reply that
 * does not fit the mapping). Small replies are read whole at once, exactly like
 * {@link openEnvelope}. Throws {@link XmlError} or {@link SoapEnvelopeError} for a bad start.
 *
 * @example
 * const reading = readEnvelope(reply.body, '1.1', limits);
 * if (reading.fault) return faultToProblem(reading.fault);
 * const { body } = await reading.complete();
 */
export function readEnvelope(reply: string | Uint8Array, expected: SoapVersion, limits?: XmlLimits): EnvelopeReading {
  const parser = startParser(reply, limits);
  if (parser.length <= READ_AT_ONCE || readHead(parser, expected)) {
    parser.parse();
    const opened = envelopeOf(parser.root as XmlElement, expected);
    return { fault: opened.fault, large: false, complete: () => Promise.resolve(opened) };
  }
  let completed: Promise<SoapReply> | undefined;
  return {
    fault: null,
    large: true,
    complete: () => {
      completed ??= runInSlices(() => parser.parse(parser.offset + SLICE)).then(() => envelopeOf(parser.root as XmlElement, expected));
      return completed;
    },
  };
}

/**
 * Reads markup by markup until the Body's first element has started or the Body has ended.
 * Returns true when the rest must be read at once: the reply is a fault, or already complete.
 */
function readHead(parser: XmlParser, expected: SoapVersion): boolean {
  const ns = envelopeNamespace[expected];
  for (let done = false; !done; done = parser.parse(parser.offset + 1)) {
    // Views made afresh on each step: the document is still growing.
    const root = parser.root;
    if (root === null) continue;
    if (root.name !== 'Envelope' || root.ns !== ns) throw notTheExpectedEnvelope(root, expected);
    const body = childrenNamed(root, 'Body', ns)[0];
    if (body === undefined) continue;
    const first = body.children[0];
    if (first !== undefined) return first.name === 'Fault' && first.ns === ns;
    if (parser.depth < 2) return true; // the Body is closed and empty
  }
  return true;
}

/** The envelope of a whole parsed reply. */
function envelopeOf(root: XmlElement, expected: SoapVersion): SoapReply {
  const ns = envelopeNamespace[expected];
  if (root.name !== 'Envelope' || root.ns !== ns) throw notTheExpectedEnvelope(root, expected);
  const body = childrenNamed(root, 'Body', ns)[0];
  if (body === undefined) throw new SoapEnvelopeError('no-body', `SOAP ${expected} Envelope has no Body`);
  const first = body.children[0] ?? null;
  const isFault = first !== null && first.name === 'Fault' && first.ns === ns;
  return {
    version: expected,
    body: first,
    fault: isFault ? parseFault(first, expected) : null,
    header: childrenNamed(root, 'Header', ns)[0] ?? null,
  };
}

function notTheExpectedEnvelope(root: XmlElement, expected: SoapVersion): SoapEnvelopeError {
  const other = root.name === 'Envelope' ? versionOfNamespace(root.ns) : undefined;
  if (other !== undefined) {
    return new SoapEnvelopeError('version-mismatch', `expected a SOAP ${expected} Envelope, got SOAP ${other}`);
  }
  const shown = root.ns === '' ? root.name : `{${root.ns}}${root.name}`;
  return new SoapEnvelopeError('not-an-envelope', `expected a SOAP ${expected} Envelope, got <${shown}>`);
}
