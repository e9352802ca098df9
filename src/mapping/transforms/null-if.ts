import { z } from 'zod';
import { byShape } from './options.js';
import type { CompiledTransform, Scalar, TransformDefinition } from './types.js';

/**
 * `nullIf`: legacy sentinels that mean "no value", e.g. `00000000` for a missing date.
 *
 *   nullIf: '00000000'
 *   nullIf: ['', '  ', '00000000']     toLegacy sends the first one for null
 *
 * toDomain compares the legacy text exactly (write `trim` before it to ignore blanks) and
 * passes every other value on; toLegacy turns null into the first sentinel and passes every
 * other value on. Sentinels must be quoted strings: YAML reads `00000000` as the number 0,
 * which would never match the legacy text.
 */
export interface NullIfOption {
  readonly sentinels: readonly string[];
}

const QUOTE_HINT = "must be a quoted string (YAML reads unquoted 00000000 as the number 0)";

const sentinel = z.string({ error: QUOTE_HINT });

const singleForm = sentinel.transform((text): NullIfOption => ({ sentinels: [text] }));

const listForm = z
  .array(sentinel)
  .min(1, 'needs at least one value')
  .transform((texts): NullIfOption => ({ sentinels: texts }));

// Numbers, booleans and objects go to the single form too, so they are told to be quoted.
export const nullIfOption = byShape<NullIfOption>('a quoted string or a list of them', {
  array: listForm,
  string: singleForm,
  number: singleForm,
  boolean: singleForm,
  object: singleForm,
});

function compileNullIf(option: NullIfOption): CompiledTransform {
  const sentinels = new Set(option.sentinels);
  // The schema requires at least one sentinel.
  const sentToLegacy = option.sentinels[0] ?? '';
  return {
    name: 'nullIf',
    toDomain(value: Scalar): Scalar {
      return typeof value === 'string' && sentinels.has(value) ? null : value;
    },
    toLegacy(value: Scalar): Scalar {
      return value === null ? sentToLegacy : value;
    },
  };
}

export const nullIf: TransformDefinition<NullIfOption> = {
  name: 'nullIf',
  option: nullIfOption,
  compile: compileNullIf,
};
