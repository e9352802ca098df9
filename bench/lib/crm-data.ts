/**
 * The benchmark's CRM data: deterministic customers in the CRM's wire form (the form the demo's
 * stub writes: zero-padded numbers, names padded to 40 characters, yyyyMMdd dates, two-decimal
 * amounts, nil e-mails, a directly repeated <Addr>). Customer 1 has eight addresses, which makes
 * its GetCustomerDetails reply about 2 KB; a search for `*` returns customers 1..MaxRows.
 */

const FIRST = ['Margarethe', 'Heinrich', 'Jürgen', 'Anna', 'Zoë', 'Łukasz', 'Søren', 'Ines', 'François', 'Kurt'];
const LAST = ['Vogelsang', 'Baumann', 'Kleinschmidt', 'Lindqvist', 'Smith & Jones', 'Öztürk', 'Nowak', 'Müller-Lüdenscheidt', 'Ruiz', 'Vogel <Nachlass>'];
const STREETS = ['Königsbrücker Straße', 'Mariahilfer Straße', 'Seestraße', 'Long Lane', 'Bahnhofstraße', 'Rue de Rivoli'];
const CITIES: ReadonlyArray<readonly [string, string, string]> = [
  ['Dresden', '01099', 'DE'],
  ['Wien', '1060', 'AT'],
  ['London', 'EC1A 9HF', 'GB'],
  ['Zürich', '8001', 'CH'],
  ['Paris', '75001', 'FR'],
];
const STATUS = ['A', 'I', 'X'] as const;
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

export const SMALL_CUSTOMER_ADDRESSES = 8;

/** A customer record as node-soap should write it (every value a string). */
export function benchCustomer(custNo: number): Record<string, unknown> {
  const addressCount = custNo === 1 ? SMALL_CUSTOMER_ADDRESSES : custNo % 4;
  const cents = (custNo * 7919) % 5_000_000;
  return {
    CustNo: String(custNo).padStart(8, '0'),
    CustName: `${FIRST[custNo % FIRST.length]} ${LAST[(custNo >> 2) % LAST.length]}`.padEnd(40, ' '),
    BirthDt: `${1930 + (custNo % 70)}${String(1 + (custNo % 12)).padStart(2, '0')}${String(1 + (custNo % 28)).padStart(2, '0')}`,
    StatusCd: STATUS[custNo % STATUS.length],
    CreditLmt: `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    EMail: custNo % 3 === 0 ? { attributes: { 'xmlns:xsi': XSI_NAMESPACE, 'xsi:nil': 'true' } } : `customer.${custNo}@example.de`,
    Addr: Array.from({ length: addressCount }, (_, index) => {
      const [city, postCode, country] = CITIES[(custNo + index) % CITIES.length]!;
      return { StreetLn: `${STREETS[(custNo + index) % STREETS.length]} ${1 + ((custNo * 13 + index) % 200)}`, CityNm: city, PostCd: postCode, CntryCd: country };
    }),
  };
}

/** Customers 1..rows whose name matches the pattern (`*` any run of characters, else a part, case-insensitive). */
export function benchSearch(pattern: string, rows: number): Record<string, unknown>[] {
  const source = pattern.includes('*') ? pattern.split('*').map(escapeRegExp).join('.*') : `.*${escapeRegExp(pattern)}.*`;
  const matches = new RegExp(`^${source}$`, 'is');
  const found: Record<string, unknown>[] = [];
  for (let custNo = 1; found.length < rows && custNo <= MAX_CUSTOMERS; custNo++) {
    const customer = benchCustomer(custNo);
    if (matches.test(String(customer['CustName']).trimEnd())) found.push(customer);
  }
  return found;
}

/** The size of the benchmark's CRM. */
export const MAX_CUSTOMERS = 20_000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
