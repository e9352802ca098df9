import { KindedError } from './kinded-error.js';

/**
 * Why a piece of upstream XML was refused. Callers branch on `kind`, never on the message.
 * - `doctype`: a DOCTYPE or other DTD declaration (entity expansion / XXE vector)
 * - `too-large` / `too-deep`: a configured limit was exceeded
 * - `malformed`: not well-formed XML (or not namespace-well-formed)
 * - `encoding`: bytes that are not valid UTF-8, or a declared encoding we cannot honour
 * - `unbound-prefix`: a namespace prefix without a declaration in scope
 */
export type XmlErrorKind = 'doctype' | 'too-large' | 'too-deep' | 'malformed' | 'encoding' | 'unbound-prefix';

export class XmlError extends KindedError<XmlErrorKind> {
  override readonly name = 'XmlError';
}

export function isXmlError(error: unknown): error is XmlError {
  return error instanceof XmlError;
}
