import { SoapEnvelopeError } from './envelope-error.js';
import { envelopeNamespace } from './soap-version.js';
import type { SoapVersion } from './soap-version.js';
import { XmlError } from './xml-error.js';
import { XML_NAMESPACE } from './xml-names.js';
import { attributeNS, childrenNamed, resolveQName } from './xml-tree.js';
import type { XmlElement } from './xml-tree.js';

/** A SOAP Fault, the same shape for 1.1 and 1.2. */
export interface SoapFault {
  readonly version: SoapVersion;
  /** Local part of the fault code: 'Client', 'Server', 'Client.Auth', 'Sender', 'Receiver', … */
  readonly code: string;
  /** Client/Sender (incl. 1.1 'Client.x') → client; Server/Receiver → server; only in the envelope namespace. */
  readonly kind: 'client' | 'server' | 'other';
  /** 1.2 Subcode/Value chain, local parts, outermost first; [] for 1.1. */
  readonly subcodes: readonly string[];
  /** 1.1 faultstring; 1.2 the Reason/Text in English if there is one, else the first. Trimmed. */
  readonly reason: string;
  /** 1.1 <detail>, 1.2 <Detail>: the container element itself. */
  readonly detail: XmlElement | null;
}

/** Reads a Fault element of the given SOAP version; throws 'malformed-fault' without a code. */
export function parseFault(fault: XmlElement, version: SoapVersion): SoapFault {
  return version === '1.1' ? parseFault11(fault) : parseFault12(fault);
}

function parseFault11(fault: XmlElement): SoapFault {
  const soapNs = envelopeNamespace['1.1'];
  // SOAP 1.1 leaves faultcode & co. unqualified; some stacks qualify them anyway.
  const part = (name: string): XmlElement | undefined =>
    childrenNamed(fault, name, '')[0] ?? childrenNamed(fault, name, soapNs)[0];
  const codeElement = part('faultcode');
  if (codeElement === undefined) throw malformedFault('SOAP 1.1 Fault has no faultcode');
  const code = faultCode(codeElement);
  return {
    version: '1.1',
    code: code.local,
    kind: code.ns === soapNs ? kind11(code.local) : 'other',
    subcodes: [],
    reason: (part('faultstring')?.text ?? '').trim(),
    detail: part('detail') ?? null,
  };
}

function kind11(code: string): SoapFault['kind'] {
  // 1.1 lets codes be refined with dots: 'Client.Authentication' is still a Client fault.
  if (code === 'Client' || code.startsWith('Client.')) return 'client';
  if (code === 'Server' || code.startsWith('Server.')) return 'server';
  return 'other';
}

function parseFault12(fault: XmlElement): SoapFault {
  const soapNs = envelopeNamespace['1.2'];
  const codeElement = childrenNamed(fault, 'Code', soapNs)[0];
  if (codeElement === undefined) throw malformedFault('SOAP 1.2 Fault has no Code');
  const code = codeValue(codeElement, soapNs);
  return {
    version: '1.2',
    code: code.local,
    kind: code.ns === soapNs ? kind12(code.local) : 'other',
    subcodes: subcodeChain(codeElement, soapNs),
    reason: reason12(fault, soapNs),
    detail: childrenNamed(fault, 'Detail', soapNs)[0] ?? null,
  };
}

function kind12(code: string): SoapFault['kind'] {
  if (code === 'Sender') return 'client';
  if (code === 'Receiver') return 'server';
  return 'other';
}

function codeValue(codeOrSubcode: XmlElement, soapNs: string): { ns: string; local: string } {
  const value = childrenNamed(codeOrSubcode, 'Value', soapNs)[0];
  if (value === undefined) throw malformedFault(`SOAP 1.2 Fault ${codeOrSubcode.name} has no Value`);
  return faultCode(value);
}

function subcodeChain(code: XmlElement, soapNs: string): string[] {
  const subcodes: string[] = [];
  // A loop, not recursion: the chain is as deep as the upstream made it (bounded by maxDepth).
  for (let subcode = childrenNamed(code, 'Subcode', soapNs)[0]; subcode !== undefined;
    subcode = childrenNamed(subcode, 'Subcode', soapNs)[0]) {
    subcodes.push(codeValue(subcode, soapNs).local);
  }
  return subcodes;
}

function reason12(fault: XmlElement, soapNs: string): string {
  const reason = childrenNamed(fault, 'Reason', soapNs)[0];
  if (reason === undefined) return '';
  const texts = childrenNamed(reason, 'Text', soapNs);
  const language = (text: XmlElement): string => (attributeNS(text, XML_NAMESPACE, 'lang') ?? '').toLowerCase();
  const chosen = texts.find((text) => language(text) === 'en')
    ?? texts.find((text) => language(text).startsWith('en-'))
    ?? texts[0];
  return (chosen?.text ?? '').trim();
}

/** The code is a QName; its prefix means whatever is declared where the code is written. */
function faultCode(element: XmlElement): { ns: string; local: string } {
  try {
    return resolveQName(element, element.text);
  } catch (cause) {
    if (cause instanceof XmlError) throw malformedFault(`fault code '${element.text.trim()}': ${cause.message}`, cause);
    throw cause;
  }
}

function malformedFault(message: string, cause?: unknown): SoapEnvelopeError {
  return new SoapEnvelopeError('malformed-fault', message, cause === undefined ? undefined : { cause });
}
