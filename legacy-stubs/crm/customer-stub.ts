import type { IServices } from 'soap';
import { field, textField } from '../soap-args.js';
import { soap11Fault, type SoapFault } from '../soap-faults.js';
import { startSoapStub, type RunningStub, type SoapStubDefinition, type StubContext, type StubOptions } from '../soap-server.js';
import { locateStubFile } from '../stub-files.js';
import { seedCustomers, type AddressRow, type CustomerRow } from './data.js';

/**
 * The Acme Mutual CRM "CustomerService": SOAP 1.1, document/literal wrapped, at `/crm`.
 *
 * Its wire quirks, which the gateway's mappings must absorb: `CustNo` is 8 digits zero-padded,
 * `CustName` is right-padded with spaces to 40 characters, `BirthDt` is `yyyyMMdd`, `CreditLmt`
 * always has two decimals, a missing `EMail` is `xsi:nil="true"`, `Addr` repeats without a
 * wrapper (and is absent for a customer without addresses). Faults carry
 * `<CrmFault xmlns="urn:acme:crm:v1"><ErrorCd/><ErrorTxt/></CrmFault>` in their detail.
 */

export const CRM_NAMESPACE = 'urn:acme:crm:v1';
export const customerWsdlPath = locateStubFile('crm/CustomerService.wsdl');

const OPERATIONS = ['GetCustomerDetails', 'SearchCustomers', 'UpdateCustomerAddress'] as const;
/** A customer number that always answers SYSTEM_BUSY, to provoke a server fault on demand. */
const BUSY_CUST_NO = '99999999';
const NAME_WIDTH = 40;
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

export type CrmErrorCode = 'CUST_NOT_FOUND' | 'INVALID_CUSTNO' | 'INVALID_REQUEST' | 'SYSTEM_BUSY';

/** The CRM's definition; the secure variant (`secure-crm/`) serves the same with WS-Security required. */
export const customerStub: SoapStubDefinition = {
  name: 'crm',
  soapVersion: '1.1',
  wsdlPath: customerWsdlPath,
  path: '/crm',
  soapActions: OPERATIONS.map((operation) => `${CRM_NAMESPACE}/${operation}`),
  createServices: createCustomerServices,
};

/**
 * Starts the CRM stub over a fresh copy of the demo customers (updates stay in this instance).
 *
 * @example
 * const crm = await startCustomerStub();            // 127.0.0.1, ephemeral port
 * const client = await soap.createClientAsync(crm.wsdlPath, {}, crm.url);
 */
export function startCustomerStub(options?: StubOptions): Promise<RunningStub> {
  return startSoapStub(customerStub, options);
}

function createCustomerServices(context: StubContext): IServices {
  const customers = seedCustomers();

  function findCustomer(custNo: string | undefined): CustomerRow {
    if (custNo === undefined || !/^[0-9]{8}$/.test(custNo)) {
      throw crmFault('INVALID_CUSTNO', 'Invalid customer number', 'CUSTNO MUST BE 8 DIGITS');
    }
    if (custNo === BUSY_CUST_NO) throw busyFault();
    const customer = customers.get(Number(custNo));
    if (customer === undefined) {
      throw crmFault('CUST_NOT_FOUND', `Customer ${custNo} not found`, `CUSTOMER ${custNo} NOT ON FILE`);
    }
    return customer;
  }

  return {
    CustomerService: {
      CustomerServicePort: {
        GetCustomerDetails(args: unknown) {
          if (context.busy) throw busyFault();
          return { Customer: customerRec(findCustomer(textField(args, 'CustNo'))) };
        },

        SearchCustomers(args: unknown) {
          if (context.busy) throw busyFault();
          const pattern = textField(args, 'NamePattern');
          const maxRows = field(args, 'MaxRows');
          if (pattern === undefined || typeof maxRows !== 'number' || !Number.isInteger(maxRows) || maxRows < 0) {
            throw crmFault('INVALID_REQUEST', 'NamePattern and a MaxRows of 0 or more are required', 'INVALID SEARCH CRITERIA');
          }
          const matches = namePredicate(pattern);
          const rows = [...customers.values()]
            .filter((customer) => matches(customer.name))
            .sort((a, b) => a.custNo - b.custNo)
            .slice(0, maxRows);
          return { RowCount: rows.length, Customer: rows.map(customerRec) };
        },

        UpdateCustomerAddress(args: unknown) {
          if (context.busy) throw busyFault();
          const customer = findCustomer(textField(args, 'CustNo'));
          const address = addressRow(field(args, 'Addr'));
          if (address === undefined) {
            throw crmFault('INVALID_REQUEST', 'Addr needs StreetLn, CityNm, PostCd and CntryCd', 'INVALID ADDRESS RECORD');
          }
          customer.addresses.splice(0, 1, address);
          return { Customer: customerRec(customer) };
        },
      },
    },
  };
}

/** A customer as the CRM writes it: every value a string, so node-soap writes it verbatim. */
function customerRec(row: CustomerRow): Record<string, unknown> {
  return {
    CustNo: String(row.custNo).padStart(8, '0'),
    CustName: row.name.slice(0, NAME_WIDTH).padEnd(NAME_WIDTH, ' '),
    BirthDt: row.birthDate,
    StatusCd: row.status,
    CreditLmt: twoDecimals(row.creditLimitCents),
    EMail: row.email ?? xsiNil(),
    Addr: row.addresses.map((address) => ({
      StreetLn: address.street,
      CityNm: address.city,
      PostCd: address.postCode,
      CntryCd: address.country,
    })),
  };
}

/** `150000` cents -> `"1500.00"` (node-soap would write the number 1500.00 as `1500`). */
function twoDecimals(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * `<EMail xmlns:xsi="…" xsi:nil="true" />`. A plain `null` makes node-soap write `xsi:nil="true"`
 * without declaring the `xsi` prefix anywhere (not well-formed XML), so the declaration travels
 * on the element itself.
 */
function xsiNil(): Record<string, unknown> {
  return { attributes: { 'xmlns:xsi': XSI_NAMESPACE, 'xsi:nil': 'true' } };
}

/** Case-insensitive; `*` stands for any run of characters; a pattern without `*` matches a part. */
function namePredicate(pattern: string): (name: string) => boolean {
  if (!pattern.includes('*')) {
    const part = pattern.toLowerCase();
    return (name) => name.toLowerCase().includes(part);
  }
  const source = pattern.split('*').map(escapeRegExp).join('.*');
  const regex = new RegExp(`^${source}$`, 'is');
  return (name) => regex.test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function addressRow(value: unknown): AddressRow | undefined {
  const street = textField(value, 'StreetLn');
  const city = textField(value, 'CityNm');
  const postCode = textField(value, 'PostCd');
  const country = textField(value, 'CntryCd');
  if (street === undefined || city === undefined || postCode === undefined || country === undefined) return undefined;
  return { street, city, postCode, country };
}

function busyFault(): SoapFault {
  return crmFault('SYSTEM_BUSY', 'The customer system is busy, try again later', 'CRM BATCH WINDOW ACTIVE');
}

function crmFault(code: CrmErrorCode, faultstring: string, errorText: string): SoapFault {
  return soap11Fault({
    code: code === 'SYSTEM_BUSY' ? 'Server' : 'Client',
    faultstring,
    detail: { element: 'CrmFault', namespace: CRM_NAMESPACE, fields: { ErrorCd: code, ErrorTxt: errorText } },
  });
}
