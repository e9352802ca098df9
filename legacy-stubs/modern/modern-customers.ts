import { seedCustomers, type CustomerRow } from '../crm/data.js';

/**
 * The modern customer service's own store: seeded from the CRM's customers, in its own shape and
 * names. Some differences are deliberate, so that shadow comparison has something to find:
 * - harmless ones a mapping normalizes away: e-mails with capitals, `250.5` instead of `250.50`;
 * - real ones: customer 23's name lost its suffix, customer 1's second street is spelled apart.
 */
export interface ModernAddress {
  line1: string;
  city: string;
  zip: string;
  countryCode: string;
}

export interface ModernCustomer {
  customerId: string;
  fullName: string;
  email: string | null;
  dateOfBirth: string;
  state: 'ACTIVE' | 'DORMANT' | 'CLOSED';
  creditLimit: { amount: string; currency: 'EUR' };
  addresses: ModernAddress[];
}

const states = { A: 'ACTIVE', I: 'DORMANT', X: 'CLOSED' } as const;

export function seedModernCustomers(): Map<string, ModernCustomer> {
  const customers = new Map<string, ModernCustomer>();
  for (const row of seedCustomers().values()) customers.set(String(row.custNo), withDrift(toModern(row)));
  return customers;
}

function toModern(row: CustomerRow): ModernCustomer {
  return {
    customerId: String(row.custNo),
    fullName: row.name,
    email: row.email,
    dateOfBirth: `${row.birthDate.slice(0, 4)}-${row.birthDate.slice(4, 6)}-${row.birthDate.slice(6, 8)}`,
    state: states[row.status],
    creditLimit: { amount: centsToAmount(row.creditLimitCents), currency: 'EUR' },
    addresses: row.addresses.map((address) => ({ line1: address.street, city: address.city, zip: address.postCode, countryCode: address.country })),
  };
}

function withDrift(customer: ModernCustomer): ModernCustomer {
  switch (customer.customerId) {
    case '1':
      customer.email = customer.email?.replace(/^m\./, 'M.') ?? null;
      if (customer.addresses[1]) customer.addresses[1].line1 = customer.addresses[1].line1.replace('Mariahilfer Straße', 'Mariahilferstraße');
      break;
    case '2':
      customer.creditLimit.amount = customer.creditLimit.amount.replace(/0$/, '');
      break;
    case '23':
      customer.fullName = customer.fullName.replace(/\s*<[^>]*>$/, '');
      break;
  }
  return customer;
}

function centsToAmount(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
