/**
 * The demo data of the Acme Mutual CRM, as the monolith keeps it in its tables. How it travels
 * on the wire (padding, number formats, nil) is the stub's business, not the data's.
 */

export interface AddressRow {
  street: string;
  city: string;
  /** Kept as text: `01067` has a leading zero. */
  postCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

/** `A` active, `I` inactive, `X` closed. */
export type CustomerStatus = 'A' | 'I' | 'X';

export interface CustomerRow {
  /** The customer number without its zero padding. */
  custNo: number;
  name: string;
  /** `yyyyMMdd`. */
  birthDate: string;
  status: CustomerStatus;
  /** Money in integer cents. */
  creditLimitCents: number;
  email: string | null;
  addresses: AddressRow[];
}

const CUSTOMERS: readonly CustomerRow[] = [
  {
    custNo: 1,
    name: 'Margarethe Vogelsang',
    birthDate: '19620314',
    status: 'A',
    creditLimitCents: 150_000,
    email: 'm.vogelsang@example.de',
    addresses: [
      { street: 'Königsbrücker Straße 12', city: 'Dresden', postCode: '01099', country: 'DE' },
      { street: 'Mariahilfer Straße 45', city: 'Wien', postCode: '1060', country: 'AT' },
      { street: 'Seestraße 3', city: 'Konstanz', postCode: '78464', country: 'DE' },
    ],
  },
  {
    custNo: 2,
    name: 'Heinrich Baumann',
    birthDate: '19751102',
    status: 'I',
    creditLimitCents: 25_050,
    email: null,
    addresses: [{ street: 'Lindenweg 7', city: 'München', postCode: '80331', country: 'DE' }],
  },
  {
    custNo: 3,
    name: 'Otto Kleinschmidt',
    birthDate: '19480101',
    status: 'X',
    creditLimitCents: 0,
    email: 'otto.kleinschmidt@example.de',
    addresses: [],
  },
  {
    custNo: 7,
    name: 'Smith & Jones Ltd',
    birthDate: '19990701',
    status: 'A',
    creditLimitCents: 2_500_000,
    email: 'accounts@smith-jones.example.co.uk',
    addresses: [{ street: '1 Long Lane', city: 'London', postCode: 'EC1A 9HF', country: 'GB' }],
  },
  {
    custNo: 15,
    name: 'Hannelore Vogt',
    birthDate: '19580920',
    status: 'A',
    creditLimitCents: 80_000,
    email: null,
    addresses: [{ street: 'Am Markt 1', city: 'Weimar', postCode: '99423', country: 'DE' }],
  },
  {
    custNo: 23,
    name: 'Kurt Vogel <Nachlass>',
    birthDate: '19300505',
    status: 'I',
    creditLimitCents: 10,
    email: null,
    addresses: [{ street: 'Bahnhofstraße 20', city: 'Zürich', postCode: '8001', country: 'CH' }],
  },
  {
    custNo: 42,
    name: 'Anna Lindqvist',
    birthDate: '19881224',
    status: 'A',
    creditLimitCents: 1_200_000,
    email: 'anna.lindqvist@example.se',
    addresses: [{ street: 'Querstraße 8', city: 'Leipzig', postCode: '04109', country: 'DE' }],
  },
];

/** A fresh, independent copy of the demo customers, keyed by customer number. */
export function seedCustomers(): Map<number, CustomerRow> {
  return new Map(CUSTOMERS.map((row) => [row.custNo, structuredClone(row)]));
}
