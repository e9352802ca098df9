/** Namespaces with fixed meaning in XML itself and in XML Schema instances. */
export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

// XML 1.0 (5th ed.) NameStartChar / NameChar without ':' (that is, NCName characters).
// Deliberately narrowed: U+1680 and U+FEFF are legal name characters but JavaScript's `\s`
// matches them, and fast-xml-parser splits tag names on `\s`; refusing them keeps our checks
// and its parse agreeing on where a name ends.
const START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u167F\\u1681-\\u1FFF'
  + '\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFEFE\\uFF00-\\uFFFD'
  + '\\u{10000}-\\u{EFFFF}';
const REST = START + '\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040';
const NCNAME = `[${START}][${REST}]*`;

// The colon is outside both classes, so these patterns cannot backtrack.
const ncNamePattern = new RegExp(`^${NCNAME}$`, 'u');
const qNamePattern = new RegExp(`^${NCNAME}(?::${NCNAME})?$`, 'u');

export function isNCName(name: string): boolean {
  return ncNamePattern.test(name);
}

/** A namespace-aware name: `local` or `prefix:local`. */
export function isQName(name: string): boolean {
  return qNamePattern.test(name);
}
