/**
 * SOAP faults in node-soap's object dialect, for the stubs' handlers to throw.
 *
 * node-soap answers a fault when a handler throws an object with a `Fault` property; it writes
 * `faultcode` style objects as SOAP 1.1 faults and `Code`/`Reason` style objects as SOAP 1.2
 * faults, takes the HTTP status from `Fault.statusCode` (without one a 1.1 fault goes out as
 * 200!) and serializes the rest like any other object, escaping text. Two of its habits are
 * absorbed here:
 * - In a 1.2 fault it prefixes every descendant with the envelope prefix, the application's
 *   detail element included; a name written as `:Name` opts out of that prefix.
 * - The fault code is a QName: its prefix must be the envelope prefix the server writes, so the
 *   prefixes are fixed here and `soap-server.ts` hands them to node-soap as `envelopeKey`.
 */

/** The envelope prefix of SOAP 1.1 replies, so 1.1 fault codes read `soap:Client`. */
export const SOAP11_ENVELOPE_PREFIX = 'soap';
/** The envelope prefix of SOAP 1.2 replies, so 1.2 fault codes read `env:Sender`. */
export const SOAP12_ENVELOPE_PREFIX = 'env';

/** An application element carried in a fault's detail: one namespace, text children in order. */
export interface FaultDetail {
  readonly element: string;
  readonly namespace: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface Soap11FaultInit {
  /** `Client`: the request is at fault; `Server`: the service failed. */
  readonly code: 'Client' | 'Server';
  readonly faultstring: string;
  readonly detail: FaultDetail;
}

export interface Soap12FaultInit {
  /** `Sender`: the request is at fault (HTTP 400); `Receiver`: the service failed (HTTP 500). */
  readonly code: 'Sender' | 'Receiver';
  /** An application subcode, written as `prefix:local` with the prefix bound to `namespace`. */
  readonly subcode: { readonly prefix: string; readonly namespace: string; readonly local: string };
  readonly reason: string;
  readonly detail: FaultDetail;
}

/** The body of a fault as node-soap serializes it. */
export type SoapFaultBody = { statusCode: number } & Record<string, unknown>;

/** A SOAP fault thrown by a stub handler; node-soap recognises it by its `Fault` property. */
export class SoapFault extends Error {
  override readonly name = 'SoapFault';
  readonly Fault: SoapFaultBody;

  constructor(message: string, fault: SoapFaultBody) {
    super(message);
    this.Fault = fault;
  }
}

/**
 * A SOAP 1.1 fault: `soap:Client` or `soap:Server`, HTTP 500 as SOAP 1.1 over HTTP prescribes.
 *
 * @example
 * throw soap11Fault({ code: 'Client', faultstring: 'Customer not found',
 *   detail: { element: 'CrmFault', namespace: 'urn:acme:crm:v1', fields: { ErrorCd: 'CUST_NOT_FOUND', ErrorTxt: '…' } } });
 */
export function soap11Fault(init: Soap11FaultInit): SoapFault {
  return new SoapFault(init.faultstring, {
    faultcode: `${SOAP11_ENVELOPE_PREFIX}:${init.code}`,
    faultstring: init.faultstring,
    // 1.1 fault children are unqualified and node-soap writes them without a prefix.
    detail: { [init.detail.element]: detailElement(init.detail, '') },
    statusCode: 500,
  });
}

/**
 * A SOAP 1.2 fault with a subcode, a `xml:lang="en"` reason and a detail element.
 * HTTP status as SOAP 1.2 Part 2 (7.5.1.2) prescribes: 400 for `env:Sender`, 500 otherwise.
 */
export function soap12Fault(init: Soap12FaultInit): SoapFault {
  const { subcode, detail } = init;
  return new SoapFault(init.reason, {
    Code: {
      Value: `${SOAP12_ENVELOPE_PREFIX}:${init.code}`,
      Subcode: {
        Value: {
          attributes: { [`xmlns:${subcode.prefix}`]: subcode.namespace },
          $value: `${subcode.prefix}:${subcode.local}`,
        },
      },
    },
    Reason: { Text: { attributes: { 'xml:lang': 'en' }, $value: init.reason } },
    Detail: { [`:${detail.element}`]: detailElement(detail, ':') },
    statusCode: init.code === 'Sender' ? 400 : 500,
  });
}

function detailElement(detail: FaultDetail, namePrefix: '' | ':'): Record<string, unknown> {
  const element: Record<string, unknown> = { attributes: { xmlns: detail.namespace } };
  for (const [name, text] of Object.entries(detail.fields)) element[`${namePrefix}${name}`] = text;
  return element;
}
