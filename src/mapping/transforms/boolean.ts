import { z } from 'zod';
import { TransformError } from './errors.js';
import { byShape, legacyCode } from './options.js';
import type { CompiledTransform, PresentScalar, Scalar, TransformDefinition } from './types.js';
import { codeKey, passingNull } from './values.js';

/**
 * `boolean`: legacy flag codes <-> JSON true/false.
 *
 *   boolean: YN | '10' | TF | truefalse       Y/N, 1/0, T/F, true/false (an unquoted 10 works too)
 *   boolean: { true: Y, false: [N, ' '], ignoreCase?: true }
 *
 * With a list, every spelling is read and the first one is sent. Codes compare exactly unless
 * `ignoreCase: true`. A code in neither list is a TransformError: a flag nobody documented
 * must not quietly become false.
 */
export interface BooleanOption {
  readonly trueCodes: readonly string[];
  readonly falseCodes: readonly string[];
  readonly ignoreCase: boolean;
}

const PRESETS: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['YN', ['Y', 'N']],
  ['10', ['1', '0']],
  ['TF', ['T', 'F']],
  ['truefalse', ['true', 'false']],
]);

const PRESET_NAMES = [...PRESETS.keys()].map((name) => `'${name}'`).join(', ');

const presetForm = z
  .union([z.string(), z.number()])
  .transform((written, context): BooleanOption => {
    const codes = PRESETS.get(String(written));
    if (codes === undefined) {
      context.addIssue({ code: 'custom', message: `unknown preset; use ${PRESET_NAMES} or { true, false }` });
      return z.NEVER;
    }
    return { trueCodes: [codes[0]], falseCodes: [codes[1]], ignoreCase: false };
  });

const codeArray = z.array(legacyCode).min(1, 'needs at least one code');

const codeList = byShape<string | string[]>('a code or a list of codes', {
  array: codeArray,
  string: legacyCode,
  number: legacyCode,
  boolean: legacyCode,
});

const objectForm = z
  .strictObject({ true: codeList, false: codeList, ignoreCase: z.boolean().optional() })
  .superRefine((option, context) => {
    const fold = folder(option.ignoreCase ?? false);
    const trueCodes = new Set(listOf(option.true).map(fold));
    listOf(option.false).forEach((code, index) => {
      if (!trueCodes.has(fold(code))) return;
      const path = Array.isArray(option.false) ? ['false', index] : ['false'];
      context.addIssue({ code: 'custom', path, message: `'${code}' is also a true code` });
    });
  })
  .transform(
    (option): BooleanOption => ({
      trueCodes: listOf(option.true),
      falseCodes: listOf(option.false),
      ignoreCase: option.ignoreCase ?? false,
    }),
  );

export const booleanOption = byShape<BooleanOption>(`${PRESET_NAMES} or { true, false, ignoreCase? }`, {
  string: presetForm,
  number: presetForm,
  object: objectForm,
});

function listOf(codes: string | readonly string[]): readonly string[] {
  return typeof codes === 'string' ? [codes] : codes;
}

function folder(ignoreCase: boolean): (code: string) => string {
  return ignoreCase ? (code) => code.toLowerCase() : (code) => code;
}

function compileBoolean(option: BooleanOption): CompiledTransform {
  const fold = folder(option.ignoreCase);
  const meaning = new Map<string, boolean>();
  for (const code of option.trueCodes) meaning.set(fold(code), true);
  for (const code of option.falseCodes) meaning.set(fold(code), false);
  // The schema requires at least one code per side.
  const trueCode = option.trueCodes[0] ?? '';
  const falseCode = option.falseCodes[0] ?? '';
  return passingNull('boolean', {
    toDomain(value: PresentScalar): Scalar {
      const flag = meaning.get(fold(codeKey(value)));
      if (flag === undefined) throw new TransformError('boolean', value, 'not a known true or false code');
      return flag;
    },
    toLegacy(value: PresentScalar): Scalar {
      if (typeof value !== 'boolean') throw new TransformError('boolean', value, 'expected true or false');
      return value ? trueCode : falseCode;
    },
  });
}

export const boolean: TransformDefinition<BooleanOption> = {
  name: 'boolean',
  option: booleanOption,
  compile: compileBoolean,
};
