import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { isTransformConfigError, isTransformError, TransformConfigError, TransformError } from './errors.js';
import type { CompiledTransform, PresentScalar, Scalar, TransformContext, TransformDefinition } from './types.js';
import { passingNull } from './values.js';

/**
 * Custom transforms: the rare field no built-in transform covers gets a named transform in a small
 * module of its own (with its own tests), registered in gateway.yaml under `transforms:`, never
 * code inside YAML. A module's default export is
 *
 *   { compile(option, context) { return { toDomain(value) {…}, toLegacy(value) {…} }; } }
 *
 * `compile` runs once per field at load with the option written in the mapping (throw to refuse
 * it); the two functions run per value and see only strings, numbers and booleans: null passes
 * through unchanged, as with the built-ins. A value they refuse, or anything they throw, becomes a
 * TransformError (a reply that does not fit: 502; a request: 400), never a crash.
 *
 * @example
 * // transforms/initials.mjs
 * export default { compile: () => ({ toDomain: (name) => name.split(' ').map((w) => `${w[0]}.`).join(' '), toLegacy: () => { throw new Error('initials cannot be sent'); } }) };
 */

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';
const functionSchema = z.custom<(...args: never[]) => unknown>(isFunction, 'must be a function');

const moduleSchema = z.object({ compile: functionSchema }, 'the default export must be an object with a compile(option, context) function');
const compiledSchema = z.object({ toDomain: functionSchema, toLegacy: functionSchema });

type CustomModule = { compile(option: unknown, context: TransformContext): unknown };
type Direction = (value: PresentScalar) => unknown;

/**
 * Imports the module at `file` (an absolute path to an ES module) as the transform `name`. The
 * module's modification time is part of the import URL, so a reload after an edit gets the new
 * code (Node keeps every version it imported: an edited transform costs a little memory).
 */
export async function loadCustomTransform(name: string, file: string): Promise<TransformDefinition<unknown>> {
  const { mtimeMs } = await stat(file);
  const imported = (await import(`${pathToFileURL(file).href}?version=${mtimeMs}`)) as { default?: unknown };
  const checked = moduleSchema.safeParse(imported.default);
  if (!checked.success) {
    throw new Error(`${checked.error.issues.map((issue) => [...issue.path, issue.message].join(': ')).join('; ')} (see README, Custom transforms)`);
  }
  const module = checked.data as CustomModule;
  return {
    name,
    option: z.unknown(),
    compile: (option, context) => compileCustom(name, module, option, context),
  };
}

function compileCustom(name: string, module: CustomModule, option: unknown, context: TransformContext): CompiledTransform {
  let made: unknown;
  try {
    made = module.compile(option, context);
  } catch (error) {
    if (isTransformConfigError(error)) throw error;
    throw new TransformConfigError(name, [{ path: [], message: error instanceof Error ? error.message : String(error) }]);
  }
  const checked = compiledSchema.safeParse(made);
  if (!checked.success) {
    throw new TransformConfigError(name, [{ path: [], message: 'compile() must return { toDomain(value), toLegacy(value) }' }]);
  }
  const { toDomain, toLegacy } = checked.data as { toDomain: Direction; toLegacy: Direction };
  return passingNull(name, { toDomain: guarded(name, toDomain), toLegacy: guarded(name, toLegacy) });
}

/** A result that is not a JSON scalar, or anything thrown, is a TransformError. */
function guarded(name: string, direction: Direction): (value: PresentScalar) => Scalar {
  return (value) => {
    let result: unknown;
    try {
      result = direction(value);
    } catch (error) {
      if (isTransformError(error)) throw error;
      throw new TransformError(name, value, error instanceof Error ? error.message : String(error));
    }
    if (!isScalar(result)) throw new TransformError(name, value, 'returned something other than a string, a finite number, a boolean or null');
    return result;
  };
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
