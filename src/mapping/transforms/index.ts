/**
 * The built-in transforms of the mapping language: per field, a pair of functions between the
 * legacy representation (whose shape every option describes) and the domain value.
 *
 * @example
 * const status = compileTransform('codes', { A: 'active', I: 'inactive' }, context);
 * status.toDomain('A');       // 'active'
 * status.toLegacy('inactive'); // 'I'
 */
import { isFieldKeyword } from '../../config/index.js';
import { boolean } from './boolean.js';
import { letterCaseTransform } from './case.js';
import { cents } from './cents.js';
import { codes } from './codes.js';
import { loadCustomTransform } from './custom.js';
import { date } from './date.js';
import { decimal } from './decimal.js';
import { TransformConfigError } from './errors.js';
import { integer } from './integer.js';
import { nullIf } from './null-if.js';
import { issuesOf, optionErrorMap } from './options.js';
import { pad } from './pad.js';
import { prefix } from './prefix.js';
import { timestamp } from './timestamp.js';
import { trim } from './trim.js';
import type { CompiledTransform, TransformContext, TransformDefinition } from './types.js';

export type { CompiledTransform, Scalar, TransformContext, TransformDefinition } from './types.js';
export { parseIsoDate } from './iso-8601.js';
export {
  isTransformConfigError,
  isTransformError,
  TransformConfigError,
  type TransformConfigIssue,
  TransformError,
} from './errors.js';

const definitions: readonly TransformDefinition<unknown>[] = [
  trim,
  letterCaseTransform,
  pad,
  decimal,
  integer,
  boolean,
  date,
  timestamp,
  codes,
  cents,
  nullIf,
  prefix,
];

/** Every built-in transform by the key it is written as in a mapping file. */
export const builtInTransforms: ReadonlyMap<string, TransformDefinition<unknown>> = new Map(
  definitions.map((definition) => [definition.name, definition]),
);

/**
 * The built-ins plus the custom transforms of gateway.yaml (name -> absolute module path). A name
 * that is already a built-in or a field keyword, or a module that cannot be loaded, is reported to
 * `refuse` and left out.
 */
export async function transformRegistry(
  modules: Readonly<Record<string, string>>,
  refuse: (name: string, message: string) => void,
): Promise<ReadonlyMap<string, TransformDefinition<unknown>>> {
  const registry = new Map(builtInTransforms);
  for (const [name, file] of Object.entries(modules)) {
    if (builtInTransforms.has(name) || isFieldKeyword(name)) {
      refuse(name, `${name} is ${builtInTransforms.has(name) ? 'a built-in transform' : 'a field keyword'}; give the custom transform another name`);
      continue;
    }
    try {
      registry.set(name, await loadCustomTransform(name, file));
    } catch (error) {
      refuse(name, `cannot load ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return registry;
}

/**
 * Checks `rawOption` (as parsed from YAML) against the transform's schema and compiles it into
 * its two functions, once, at load. Throws TransformConfigError with issue paths relative to the
 * option; an unknown name is reported the same way, listing the known ones.
 *
 * `registry` defaults to the built-ins; a caller with custom transforms passes a merged map.
 */
export function compileTransform(
  name: string,
  rawOption: unknown,
  context: TransformContext,
  registry: ReadonlyMap<string, TransformDefinition<unknown>> = builtInTransforms,
): CompiledTransform {
  const definition = registry.get(name);
  if (definition === undefined) {
    const known = [...registry.keys()].join(', ');
    const message = `unknown transform '${name}'; known transforms: ${known}`;
    throw new TransformConfigError(name, [{ path: [], message }]);
  }
  const parsed = definition.option.safeParse(rawOption, { error: optionErrorMap });
  if (!parsed.success) throw new TransformConfigError(name, issuesOf(parsed.error));
  return definition.compile(parsed.data, context);
}
