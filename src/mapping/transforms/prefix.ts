import { z } from 'zod';
import { TransformError } from './errors.js';
import type { CompiledTransform, PresentScalar, Scalar, TransformDefinition } from './types.js';
import { passingNull, requireText } from './values.js';

/**
 * `prefix: 'P-'`: the legacy value carries a fixed prefix the domain does not, e.g. policy
 * numbers `P-000123` <-> `000123`. toDomain refuses a value without the prefix (it is not the
 * kind of value the mapping thinks it is); toLegacy adds it.
 */
export type PrefixOption = string;

export const prefixOption = z
  .string({ error: 'expected the prefix as a quoted string' })
  .min(1, 'the prefix is empty');

function compilePrefix(prefix: PrefixOption): CompiledTransform {
  return passingNull('prefix', {
    toDomain(value: PresentScalar): Scalar {
      const text = requireText('prefix', value);
      if (!text.startsWith(prefix)) throw new TransformError('prefix', value, `does not start with '${prefix}'`);
      return text.slice(prefix.length);
    },
    toLegacy(value: PresentScalar): Scalar {
      return prefix + requireText('prefix', value);
    },
  });
}

export const prefix: TransformDefinition<PrefixOption> = {
  name: 'prefix',
  option: prefixOption,
  compile: compilePrefix,
};
