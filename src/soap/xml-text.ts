import { XmlError } from './xml-error.js';

// Everything outside XML 1.0's Char production. With the `u` flag a lone surrogate is its own
// code point, so it is caught here too.
const illegalCharacter = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
// The same, but any surrogate counts: a few times faster than the `u` pattern, and text without
// characters beyond U+FFFF (nearly all of it) needs nothing else.
const illegalOrSurrogate = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Index of the first character XML 1.0 does not allow, or -1. */
export function findIllegalCharacter(text: string): number {
  const suspect = text.search(illegalOrSurrogate);
  if (suspect === -1) return -1;
  const code = text.charCodeAt(suspect);
  if (code < 0xd800 || code > 0xdfff) return suspect;
  // A surrogate: legal in a pair. Decide with the exact pattern from here on.
  const rest = text.slice(suspect).search(illegalCharacter);
  return rest === -1 ? -1 : suspect + rest;
}

export function isLegalCodePoint(codePoint: number): boolean {
  return codePoint === 0x9 || codePoint === 0xa || codePoint === 0xd
    || (codePoint >= 0x20 && codePoint <= 0xd7ff)
    || (codePoint >= 0xe000 && codePoint <= 0xfffd)
    || (codePoint >= 0x10000 && codePoint <= 0x10ffff);
}

/** The first character of `text` that XML 1.0 cannot carry, as `U+0000`; undefined when there is none. */
export function illegalCharacterIn(text: string): string | undefined {
  const index = findIllegalCharacter(text);
  return index === -1 ? undefined : describeCodeUnit(text, index);
}

export function describeCodeUnit(text: string, index: number): string {
  return `U+${(text.codePointAt(index) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

// A reference longer than this is refused: it bounds the search for ';' so that text full of
// stray '&' stays linear, and still admits zero-padded numeric references.
const MAX_REFERENCE_LENGTH = 64;
const SEMICOLON = 59;
const AMPERSAND = 38;

/**
 * Decodes the five predefined entities and numeric character references in one pass.
 * Anything else after '&' (HTML entities, DTD entities, a bare '&') is not well-formed XML.
 */
export function decodeReferences(raw: string): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    const semicolon = referenceEnd(raw, amp);
    out += raw.slice(from, amp) + resolveReference(raw.slice(amp + 1, semicolon));
    from = semicolon + 1;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}

function referenceEnd(raw: string, amp: number): number {
  const limit = Math.min(raw.length, amp + MAX_REFERENCE_LENGTH);
  for (let i = amp + 1; i < limit; i++) {
    const code = raw.charCodeAt(i);
    if (code === SEMICOLON) return i;
    if (code === AMPERSAND || code <= 0x20) break;
  }
  throw new XmlError('malformed', `'&' at offset ${amp} does not start a character or entity reference`);
}

const decimalDigits = /^[0-9]+$/;
const hexDigits = /^[0-9A-Fa-f]+$/;

function resolveReference(body: string): string {
  switch (body) {
    case 'lt': return '<';
    case 'gt': return '>';
    case 'amp': return '&';
    case 'quot': return '"';
    case 'apos': return "'";
  }
  if (body.charCodeAt(0) !== 35 /* # */) {
    throw new XmlError('malformed', `unknown entity &${body};`);
  }
  const hex = body.charCodeAt(1) === 120; /* x */
  const digits = body.slice(hex ? 2 : 1);
  if (!(hex ? hexDigits : decimalDigits).test(digits)) {
    throw new XmlError('malformed', `malformed character reference &${body};`);
  }
  const codePoint = Number.parseInt(digits, hex ? 16 : 10);
  if (!isLegalCodePoint(codePoint)) {
    throw new XmlError('malformed', `character reference &${body}; is not an XML character`);
  }
  return String.fromCodePoint(codePoint);
}

const lineEnd = /\r\n?/g;

/** XML 1.0 §2.11: a literal CR LF or lone CR is read as LF (a CR written as `&#13;` survives). */
export function normalizeLineEnds(raw: string): string {
  return raw.indexOf('\r') === -1 ? raw : raw.replace(lineEnd, '\n');
}

/** Character data of an element: line ends normalized, references decoded; ']]>' is not allowed outside CDATA. */
export function decodeCharacterData(raw: string): string {
  if (raw.includes(']]>')) throw new XmlError('malformed', "']]>' in character data");
  return decodeReferences(normalizeLineEnds(raw));
}

// CR LF first: after line-end normalization it is one LF, so one space.
const literalWhitespace = /\r\n|[\t\n\r]/g;

/**
 * An attribute value as XML 1.0 §3.3.3 normalizes it for CDATA attributes: literal tab and
 * newline (after line-end normalization) become spaces, while the same characters written as
 * references survive. References contain no whitespace, so normalizing before decoding is
 * equivalent to the spec's order.
 */
export function decodeAttributeValue(raw: string): string {
  return decodeReferences(raw.replace(literalWhitespace, ' '));
}
