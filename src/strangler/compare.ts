import type { NormalizerSpec, RoutingSpec } from '../config/index.js';

/**
 * Shadow comparison in the domain model: both answers have been mapped and validated, so they
 * are compared field by field, by JSON pointer. Volatile fields are ignored; normalizers make
 * harmless differences (case, whitespace, decimal scale) equal.
 */
export interface Difference {
  /** JSON pointer, e.g. `/addresses/1/street`. */
  readonly path: string;
  readonly primary: unknown;
  readonly secondary: unknown;
}

type Normalize = (value: unknown) => unknown;

interface PointerPattern {
  readonly segments: readonly string[];
}

export interface CompiledComparison {
  diff(primary: unknown, secondary: unknown): Difference[];
  /** Does a configured redaction cover this pointer? */
  isRedacted(path: string): boolean;
}

export function compileComparison(compare: RoutingSpec['compare']): CompiledComparison {
  const ignore = compare.ignore.map(parsePattern);
  const redact = compare.redact.map(parsePattern);
  const normalizers = Object.entries(compare.normalize).map(([pattern, specs]) => ({ pattern: parsePattern(pattern), normalize: chain(specs) }));
  const normalizerFor = (segments: readonly string[]): Normalize | undefined =>
    normalizers.find((candidate) => matches(candidate.pattern, segments))?.normalize;

  const walk = (primary: unknown, secondary: unknown, segments: string[], out: Difference[]): void => {
    if (ignore.some((pattern) => matchesPrefix(pattern, segments))) return;
    if (Array.isArray(primary) && Array.isArray(secondary)) {
      const length = Math.max(primary.length, secondary.length);
      for (let index = 0; index < length; index++) walk(primary[index], secondary[index], [...segments, String(index)], out);
      return;
    }
    if (isObject(primary) && isObject(secondary)) {
      for (const key of new Set([...Object.keys(primary), ...Object.keys(secondary)])) walk(primary[key], secondary[key], [...segments, key], out);
      return;
    }
    const normalize = normalizerFor(segments);
    const [a, b] = normalize ? [normalize(primary), normalize(secondary)] : [primary, secondary];
    if (!Object.is(a, b)) out.push({ path: toPointer(segments), primary, secondary });
  };

  return {
    diff: (primary, secondary) => {
      const out: Difference[] = [];
      walk(primary, secondary, [], out);
      return out;
    },
    isRedacted: (path) => redact.some((pattern) => matchesPrefix(pattern, fromPointer(path))),
  };
}

function chain(specs: readonly NormalizerSpec[]): Normalize {
  const steps = specs.map(normalizer);
  return (value) => steps.reduce((current, step) => step(current), value);
}

function normalizer(spec: NormalizerSpec): Normalize {
  const onText = (change: (text: string) => string): Normalize => (value) => (typeof value === 'string' ? change(value) : value);
  if (typeof spec === 'object') return (value) => (typeof value === 'string' || typeof value === 'number' ? scaleDecimal(String(value), spec.decimalScale) : value);
  switch (spec) {
    case 'trim':
      return onText((text) => text.trim());
    case 'collapse-whitespace':
      return onText((text) => text.trim().replace(/\s+/g, ' '));
    case 'lowercase':
      return onText((text) => text.toLowerCase());
    case 'uppercase':
      return onText((text) => text.toUpperCase());
  }
}

/** `250.5` and `250.50` compare equal at scale 2; digits beyond the scale are kept, never rounded. */
function scaleDecimal(text: string, scale: number): string {
  const match = /^(-?\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) return text;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction.length > scale ? `${match[1]}.${fraction}` : `${match[1]}${scale > 0 ? '.' + fraction.padEnd(scale, '0') : ''}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parsePattern(pointer: string): PointerPattern {
  return { segments: fromPointer(pointer) };
}

function matches(pattern: PointerPattern, segments: readonly string[]): boolean {
  return pattern.segments.length === segments.length && matchesPrefix(pattern, segments);
}

/** The pattern covers this path or one of its ancestors. */
function matchesPrefix(pattern: PointerPattern, segments: readonly string[]): boolean {
  if (segments.length < pattern.segments.length) return false;
  return pattern.segments.every((segment, index) => segment === '*' || segment === segments[index]);
}

function toPointer(segments: readonly string[]): string {
  return segments.length === 0 ? '' : '/' + segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function fromPointer(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `/addresses/3/street` becomes the pattern with a `*` for 3, so the same field in any list item counts as one. */
export function generalize(pointer: string): string {
  return toPointer(fromPointer(pointer).map((segment) => (/^\d+$/.test(segment) ? '*' : segment)));
}
