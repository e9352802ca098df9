import { z } from 'zod';
import { byShape } from './options.js';
import type { CompiledTransform, PresentScalar, Scalar, TransformDefinition } from './types.js';
import { passingNull, requireText } from './values.js';

/**
 * `case`: the letter case a value gets on each side.
 *
 *   case: upper | lower                           both directions get that case
 *   case: { domain: upper, legacy: keep }         each direction on its own (missing side: keep)
 *
 * Case mapping is locale-independent (`toUpperCase`), so `i` never becomes a Turkish `İ` because
 * of the server's locale.
 */
export type LetterCase = 'upper' | 'lower' | 'keep';

export interface CaseOption {
  readonly domain: LetterCase;
  readonly legacy: LetterCase;
}

const letterCase = z.enum(['upper', 'lower', 'keep']);

const shorthand = z
  .enum(['upper', 'lower'])
  .transform((value): CaseOption => ({ domain: value, legacy: value }));

const objectForm = z
  .strictObject({ domain: letterCase.optional(), legacy: letterCase.optional() })
  .transform((option): CaseOption => ({ domain: option.domain ?? 'keep', legacy: option.legacy ?? 'keep' }))
  .refine((option) => option.domain !== 'keep' || option.legacy !== 'keep', {
    message: 'keeps the case both ways, which does nothing; set domain or legacy to upper or lower',
  });

export const caseOption = byShape<CaseOption>("'upper', 'lower' or { domain, legacy }", {
  string: shorthand,
  object: objectForm,
});

function caseFunction(letterCase: LetterCase): ((text: string) => string) | undefined {
  if (letterCase === 'upper') return (text) => text.toUpperCase();
  if (letterCase === 'lower') return (text) => text.toLowerCase();
  return undefined;
}

function direction(letterCase: LetterCase): (value: PresentScalar) => Scalar {
  const change = caseFunction(letterCase);
  if (change === undefined) return (value) => value;
  return (value) => change(requireText('case', value));
}

function compileCase(option: CaseOption): CompiledTransform {
  return passingNull('case', { toDomain: direction(option.domain), toLegacy: direction(option.legacy) });
}

export const letterCaseTransform: TransformDefinition<CaseOption> = {
  name: 'case',
  option: caseOption,
  compile: compileCase,
};
