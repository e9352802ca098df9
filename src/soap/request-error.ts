import { KindedError } from './kinded-error.js';

/**
 * Why a SOAP request was refused before it was written. Names and actions come from config, so
 * these are usually caught when a mapping is compiled; text values come from clients.
 * - `invalid-name`: an element or attribute name that is not an XML NCName
 * - `invalid-char`: a character XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/F)
 * - `invalid-tree`: a shape we do not write (nil with content, text mixed with children, too deep)
 * - `invalid-action`: a SOAPAction that would break or inject into HTTP headers
 */
export type SoapRequestErrorKind = 'invalid-name' | 'invalid-char' | 'invalid-tree' | 'invalid-action';

export class SoapRequestError extends KindedError<SoapRequestErrorKind> {
  override readonly name = 'SoapRequestError';
}

export function isSoapRequestError(error: unknown): error is SoapRequestError {
  return error instanceof SoapRequestError;
}
