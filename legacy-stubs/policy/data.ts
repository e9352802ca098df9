/**
 * The demo data of the Acme Mutual policy system, as it keeps it. How it travels on the wire
 * (`ddMMyyyy`, cents as text) is the stub's business.
 */

/** `HM` home, `MT` motor, `LF` life. */
export type ProductCode = 'HM' | 'MT' | 'LF';
/** `IF` in force, `LP` lapsed, `CN` cancelled. */
export type PolicyStatus = 'IF' | 'LP' | 'CN';
export type CurrencyCode = 'EUR' | 'CHF';

export interface PolicyRow {
  /** `P-000123` style. */
  policyNo: string;
  /** The holder's CRM customer number, 8 digits zero-padded. */
  holderNo: string;
  product: ProductCode;
  status: PolicyStatus;
  /** `ddMMyyyy`. */
  startDate: string;
  premiumCents: number;
  currency: CurrencyCode;
}

const POLICIES: readonly PolicyRow[] = [
  { policyNo: 'P-000123', holderNo: '00000001', product: 'HM', status: 'IF', startDate: '01042015', premiumCents: 12_345, currency: 'EUR' },
  { policyNo: 'P-000124', holderNo: '00000001', product: 'MT', status: 'IF', startDate: '15062021', premiumCents: 48_900, currency: 'EUR' },
  { policyNo: 'P-000125', holderNo: '00000001', product: 'LF', status: 'LP', startDate: '01011999', premiumCents: 9_900, currency: 'EUR' },
  { policyNo: 'P-000200', holderNo: '00000002', product: 'HM', status: 'IF', startDate: '01092016', premiumCents: 21_050, currency: 'CHF' },
  { policyNo: 'P-000420', holderNo: '00000042', product: 'MT', status: 'CN', startDate: '07032020', premiumCents: 30_000, currency: 'EUR' },
];

/** A fresh, independent copy of the demo policies, keyed by policy number. */
export function seedPolicies(): Map<string, PolicyRow> {
  return new Map(POLICIES.map((row) => [row.policyNo, structuredClone(row)]));
}
