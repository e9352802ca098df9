/**
 * The two workloads of the benchmark: one small customer (GetCustomerDetails, ~2 KB of XML) and a
 * large search result (SearchCustomers, ~1 MB, thousands of repeated elements). Each is one SOAP
 * request (what direct and passthrough send) and one domain call (what the gateways answer).
 */

export type Size = 'small' | 'large';

/** Rows of the large search: about 1 MB of XML from the benchmark's CRM. */
export const LARGE_ROWS = 2_000;

export interface Workload {
  readonly size: Size;
  readonly operation: string;
  /** The raw SOAP 1.1 request. */
  readonly soapRequest: string;
  readonly soapHeaders: Readonly<Record<string, string>>;
  /** Path and query of the domain call on a gateway. */
  readonly domainPath: string;
}

const NAMESPACE = 'urn:acme:crm:v1';

function soapCall(size: Size, operation: string, body: string, domainPath: string): Workload {
  return {
    size,
    operation,
    soapRequest:
      '<?xml version="1.0" encoding="utf-8"?>' +
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      `<crm:${operation} xmlns:crm="${NAMESPACE}">${body}</crm:${operation}>` +
      '</soap:Body></soap:Envelope>',
    soapHeaders: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${NAMESPACE}/${operation}"` },
    domainPath,
  };
}

export const workloads: Readonly<Record<Size, Workload>> = {
  small: soapCall('small', 'GetCustomerDetails', '<crm:CustNo>00000001</crm:CustNo>', '/customers/1'),
  large: soapCall(
    'large',
    'SearchCustomers',
    `<crm:NamePattern>*</crm:NamePattern><crm:MaxRows>${LARGE_ROWS}</crm:MaxRows>`,
    `/customers?name=*&limit=${LARGE_ROWS}`,
  ),
};
