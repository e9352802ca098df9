/**
 * Expectations in mapping examples name only what matters: every key written must match, keys
 * left out are not checked. Lists must match in length and order.
 */
export function subsetMismatches(expected: unknown, actual: unknown, path = ''): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${where(path)}: expected a list, got ${render(actual)}`];
    if (actual.length !== expected.length) return [`${where(path)}: expected ${expected.length} item(s), got ${actual.length}`];
    return expected.flatMap((item, index) => subsetMismatches(item, actual[index], `${path}[${index}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${where(path)}: expected an object, got ${render(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      Object.hasOwn(actual, key)
        ? subsetMismatches(value, (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key)
        : [`${path ? `${path}.${key}` : key}: missing`],
    );
  }
  return Object.is(expected, actual) ? [] : [`${where(path)}: expected ${render(expected)}, got ${render(actual)}`];
}

function where(path: string): string {
  return path === '' ? '(root)' : path;
}

function render(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
