import { joinPath } from './diagnostics.js';

/**
 * `${NAME}` and `${NAME:-fallback}` anywhere in string values of gateway.yaml, so one file serves
 * the demo, a laptop and a container. References are all that is resolved (no shell, no code).
 */
const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export class MissingVariableError extends Error {
  constructor(readonly variable: string) {
    super(`environment variable ${variable} is not set and has no default (write \${${variable}:-default})`);
    this.name = 'MissingVariableError';
  }
}

export function interpolateString(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(reference, (_match, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    throw new MissingVariableError(name);
  });
}

/** Walks a parsed YAML value and interpolates every string; reports failures by path. */
export function interpolateTree(
  value: unknown,
  env: NodeJS.ProcessEnv,
  onError: (path: string, message: string) => void,
  path = '',
): unknown {
  if (typeof value === 'string') {
    try {
      return interpolateString(value, env);
    } catch (error) {
      onError(path, (error as Error).message);
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateTree(item, env, onError, joinPath(path, index)));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty, so a key named __proto__ stays data and never becomes a prototype.
      Object.defineProperty(result, key, {
        value: interpolateTree(item, env, onError, joinPath(path, key)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  }
  return value;
}
