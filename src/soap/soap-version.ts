export type SoapVersion = '1.1' | '1.2';

export const envelopeNamespace: Readonly<Record<SoapVersion, string>> = Object.freeze({
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
});

/** The version whose envelope namespace this is, if any. */
export function versionOfNamespace(ns: string): SoapVersion | undefined {
  if (ns === envelopeNamespace['1.1']) return '1.1';
  if (ns === envelopeNamespace['1.2']) return '1.2';
  return undefined;
}
