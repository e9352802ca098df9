import type { ElementShape } from '../soap/index.js';

/**
 * Paths into legacy XML, as written in mapping files: local names joined by dots (`Premium.AmountCents`),
 * `.` for the element itself, `@name` for an attribute as the last step, and `prefix:Name` where a
 * local name alone is ambiguous (the prefix is declared in the file's `namespaces:`).
 */

export interface PathStep {
  readonly local: string;
  /** undefined: any namespace matches (the default: legacy prefixes are noise). */
  readonly ns: string | undefined;
}

export interface LegacyPath {
  readonly text: string;
  readonly steps: readonly PathStep[];
  readonly attribute: string | undefined;
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function parseLegacyPath(text: string, namespaces: Readonly<Record<string, string>>): LegacyPath {
  if (text === '.') return { text, steps: [], attribute: undefined };
  const parts = text.split('.');
  let attribute: string | undefined;
  const last = parts[parts.length - 1]!;
  if (last.startsWith('@')) {
    attribute = last.slice(1);
    parts.pop();
    if (!namePattern.test(attribute)) throw new Error(`"${last}" is not an attribute name`);
  }
  const steps = parts.map((part) => parseStep(part, namespaces, text));
  return { text, steps, attribute };
}

function parseStep(part: string, namespaces: Readonly<Record<string, string>>, text: string): PathStep {
  const colon = part.indexOf(':');
  const local = colon < 0 ? part : part.slice(colon + 1);
  if (!namePattern.test(local) || local.includes('.')) {
    throw new Error(`"${text}" is not a path; write element names joined by dots, e.g. Premium.AmountCents`);
  }
  if (colon < 0) return { local, ns: undefined };
  const prefix = part.slice(0, colon);
  const ns = namespaces[prefix];
  if (ns === undefined) throw new Error(`prefix "${prefix}" in "${text}" is not declared under namespaces:`);
  return { local, ns };
}

export interface ResolvedShape {
  /** The shape at the end of the path; null where the WSDL does not describe it. */
  readonly shape: ElementShape | null;
  /** The last element repeats (maxOccurs > 1). */
  readonly repeated: boolean;
}

/**
 * Walks a path through the WSDL's element shapes, so a typo fails at load with the names that
 * exist, not at run time with a null.
 */
export function resolvePathShape(path: LegacyPath, start: ElementShape | null): ResolvedShape {
  let shape = start;
  let repeated = false;
  path.steps.forEach((step, index) => {
    if (shape === null) return;
    if (shape.children === null) throw new Error(`${shape.name} has simple content; it has no element ${step.local}`);
    const child = shape.children.get(step.local);
    if (child === undefined) {
      const known = [...shape.children.keys()].join(', ') || 'none';
      throw new Error(`${shape.name} has no element ${step.local} (its elements: ${known})`);
    }
    if (step.ns !== undefined && child.ns !== step.ns) {
      throw new Error(`${step.local} is in namespace "${child.ns}", not "${step.ns}"`);
    }
    if (child.repeated && index < path.steps.length - 1) {
      throw new Error(`${step.local} repeats, so it cannot be crossed by a path; map it with each: and read inside it`);
    }
    repeated = child.repeated;
    shape = child;
  });
  return { shape, repeated };
}
