import { KindedError } from './kinded-error.js';

/**
 * Why a SOAP reply could not be opened. Everything here means the upstream broke the contract.
 * - `not-an-envelope`: the document element is not a SOAP Envelope
 * - `version-mismatch`: an Envelope of the other SOAP version
 * - `no-body`: the Envelope has no Body
 * - `malformed-fault`: a Fault without its required code
 */
export type SoapEnvelopeErrorKind = 'not-an-envelope' | 'version-mismatch' | 'no-body' | 'malformed-fault';

export class SoapEnvelopeError extends KindedError<SoapEnvelopeErrorKind> {
  override readonly name = 'SoapEnvelopeError';
}

export function isSoapEnvelopeError(error: unknown): error is SoapEnvelopeError {
  return error instanceof SoapEnvelopeError;
}
