import { SoapEnvelopeError } from './envelope-error.js';
import { parseFault } from './fault.js';
import type { SoapFault } from './fault.js';
import { SoapRequestError } from './request-error.js';
import { envelopeNamespace, versionOfNamespace } from './soap-version.js';
import type { SoapVersion } from './soap-version.js';
import { XmlDocument } from './xml-document.js';
import { XSI_NAMESPACE } from './xml-names.js';
import { scanEnvelopeHead } from './xml-scan.js';
import { checkInput, childrenNamed, decodeChecked, defaultXmlLimits, parseChecked, parseXml } from './xml-tree.js';
import type { CheckedInput, XmlElement, XmlLimits } from './xml-tree.js';
import { xmlWorkers, type XmlWorkerPool } from './xml-workers.js';
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
  return envelopeOf(parseXml(reply, limits), expected);
}

/** A reply being read: what it says about the upstream's health at once, the whole of it later. */
export interface EnvelopeReading {
  /** The Body's fault, read whole, or null when the Body holds something else. */
  readonly fault: SoapFault | null;
  /** True for a large reply, parsed in a worker thread: its further processing should yield to the event loop too. */
  readonly large: boolean;
  /**
   * The whole reply; rejects with {@link XmlError} or {@link SoapEnvelopeError}, and for a large
   * reply also with `XmlWorkerError` (its worker died or hung) or the signal's reason. The first
   * call starts the work; later calls share it.
   */
  complete(signal?: AbortSignal): Promise<SoapReply>;
}

export interface ReadEnvelopeOptions {
  /** Replies above this many bytes (or characters) are parsed in a worker; default 64 KiB. */
  readonly inWorkerAbove?: number;
  /** The worker pool; default the process's shared one. */
  readonly pool?: XmlWorkerPool;
}

/** Replies up to this size are parsed at once: a thread hop would cost more than it saves. */
const PARSE_AT_ONCE = 64 * 1024;
/** Bytes of a large reply decoded for its head at first: the head of an envelope is rarely longer. */
const HEAD_BYTES = 16 * 1024;

/**
 * Opens a reply without holding the event loop for long. A small reply is parsed at once, exactly
 * like {@link openEnvelope}. Of a large one, only the head is read synchronously (by the same
 * pre-scan and fast-xml-parser, up to the start of the Body's first element): enough to refuse
 * a reply that is not the expected envelope and to see a fault, which is then parsed whole at once
 * (faults are small), because an upstream's breaker must judge it. The rest of a large reply is
 * parsed by `complete()` in a worker thread; a flaw there rejects `complete()` (the upstream
 * answered, so it is not counted against its health, like a reply that does not fit the mapping).
 * Throws {@link XmlError} or {@link SoapEnvelopeError} for a bad start.
 *
 * @example
 * const reading = readEnvelope(reply.body, '1.1', limits);
 * if (reading.fault) return faultToProblem(reading.fault);
 * const { body } = await reading.complete(signal);
 */
export function readEnvelope(
  reply: string | Uint8Array,
  expected: SoapVersion,
  limits: XmlLimits = defaultXmlLimits,
  options: ReadEnvelopeOptions = {},
): EnvelopeReading {
  const size = typeof reply === 'string' ? reply.length : reply?.byteLength;
  if (!(size > (options.inWorkerAbove ?? PARSE_AT_ONCE))) return readAtOnce(openEnvelope(reply, expected, limits));
  const checked = checkInput(reply, limits);
  if (headSaysParseAtOnce(checked, expected, limits.maxDepth)) {
    return readAtOnce(envelopeOf(parseChecked(checked, limits.maxDepth), expected));
  }
  let completed: Promise<SoapReply> | undefined;
  return {
    fault: null,
    large: true,
    complete: (signal) => {
      completed ??= (options.pool ?? xmlWorkers())
        .parse(reply, limits, signal)
        .then((document) => envelopeOf(new XmlDocument(document).root, expected));
      return completed;
    },
  };
}

function readAtOnce(opened: SoapReply): EnvelopeReading {
  return { fault: opened.fault, large: false, complete: () => Promise.resolve(opened) };
}

/**
 * Reads the head of a large reply: the envelope up to the start of the Body's first element,
 * closed with the end tags it lacks, parsed like any document. Throws for a bad start; returns
 * true when the whole reply must be parsed at once: its Body holds a fault or nothing, or the
 * head never ends (the whole parse then says what is wrong).
 */
function headSaysParseAtOnce(reply: CheckedInput, expected: SoapVersion, maxDepth: number): boolean {
  const head = typeof reply === 'string' ? headOf(reply, maxDepth) : headOfBytes(reply, maxDepth);
  if (head === null || head === EMPTY_BODY) return true;
  const body = bodyOf(head, expected);
  // A "Body" in another namespace stopped the scan: the whole parse will tell.
  if (body === undefined) return false;
  const first = body.children[0];
  return first === undefined || isFault(first, expected);
}

/** What ended the head when the Body ended without an element. */
const EMPTY_BODY = 'empty-body';
type Head = XmlElement | typeof EMPTY_BODY | null;

/**
 * Decodes as little as it takes: a first slice of the bytes, then four times as much, and so on.
 * A slice may cut the markup (or a character) short, so a flaw found in a slice is judged on the
 * whole text.
 */
function headOfBytes(bytes: Buffer, maxDepth: number): Head {
  for (let length = HEAD_BYTES; length < bytes.length; length *= 4) {
    let head: Head;
    try {
      head = headOf(bytes.toString('utf8', 0, length), maxDepth);
    } catch {
      break;
    }
    if (head !== null) return head;
  }
  return headOf(decodeChecked(bytes), maxDepth);
}

/** The head of an envelope as a document of its own, or null when the text ends before it does. */
function headOf(xml: string, maxDepth: number): Head {
  const head = scanEnvelopeHead(xml, maxDepth);
  if (head === null) return null;
  if (head.found === 'empty-body') return EMPTY_BODY;
  let closed = xml.slice(0, head.end);
  for (let depth = head.open.length - 1; depth >= 0; depth--) closed += `</${head.open[depth]}>`;
  return parseChecked(closed, maxDepth);
}

/** The envelope of a whole parsed reply. */
function envelopeOf(root: XmlElement, expected: SoapVersion): SoapReply {
  const body = bodyOf(root, expected);
  if (body === undefined) throw new SoapEnvelopeError('no-body', `SOAP ${expected} Envelope has no Body`);
  const first = body.children[0] ?? null;
  return {
    version: expected,
    body: first,
    fault: first !== null && isFault(first, expected) ? parseFault(first, expected) : null,
    header: childrenNamed(root, 'Header', envelopeNamespace[expected])[0] ?? null,
  };
}

/** The Body of an envelope of the expected version, if it has one; throws for any other root. */
function bodyOf(root: XmlElement, expected: SoapVersion): XmlElement | undefined {
  const ns = envelopeNamespace[expected];
  if (root.name !== 'Envelope' || root.ns !== ns) throw notTheExpectedEnvelope(root, expected);
  return childrenNamed(root, 'Body', ns)[0];
}

function isFault(element: XmlElement, version: SoapVersion): boolean {
  return element.name === 'Fault' && element.ns === envelopeNamespace[version];
}

function notTheExpectedEnvelope(root: XmlElement, expected: SoapVersion): SoapEnvelopeError {
  const other = root.name === 'Envelope' ? versionOfNamespace(root.ns) : undefined;
  if (other !== undefined) {
    return new SoapEnvelopeError('version-mismatch', `expected a SOAP ${expected} Envelope, got SOAP ${other}`);
  }
  const shown = root.ns === '' ? root.name : `{${root.ns}}${root.name}`;
  return new SoapEnvelopeError('not-an-envelope', `expected a SOAP ${expected} Envelope, got <${shown}>`);
}
