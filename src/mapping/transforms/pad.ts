import { z } from 'zod';
import { TransformError } from './errors.js';
import { byShape } from './options.js';
import type { CompiledTransform, PresentScalar, Scalar, TransformDefinition } from './types.js';
import { codePointLength, padText, passingNull, requireText } from './values.js';

/**
 * `pad`: the legacy value is padded to a fixed length, e.g. customer numbers `00000042`.
 *
 *   pad: 8                                          zeros at the start, like `pad: { length: 8 }`
 *   pad: { length: 8, with?: '0', side?: start }    `with` is one character; `side` start or end
 *
 * toDomain strips the pad character from that side; an all-zero value keeps one `0`, because
 * `00000000` is the number zero, not nothing. It does not check the length: a reply one digit
 * wider than documented still means the same number. toLegacy pads to `length` and refuses a
 * longer value (it would be cut or overflow the legacy field).
 */
export interface PadOption {
  readonly length: number;
  readonly fill: string;
  readonly side: 'start' | 'end';
}

const length = z.int().positive();

const oneCharacter = z
  .string()
  .refine((text) => codePointLength(text) === 1, { message: 'must be exactly one character' });

const lengthForm = length.transform((value): PadOption => ({ length: value, fill: '0', side: 'start' }));

const objectForm = z
  .strictObject({ length, with: oneCharacter.optional(), side: z.enum(['start', 'end']).optional() })
  .transform(
    (option): PadOption => ({ length: option.length, fill: option.with ?? '0', side: option.side ?? 'start' }),
  );

export const padOption = byShape<PadOption>('a length (8) or { length, with?, side? }', {
  number: lengthForm,
  object: objectForm,
});

function stripper(fill: string, side: 'start' | 'end'): (text: string) => string {
  const keepZero = fill === '0';
  const strip = side === 'start' ? stripStart : stripEnd;
  return (text) => {
    const stripped = strip(text, fill);
    return stripped === '' && keepZero && text !== '' ? '0' : stripped;
  };
}

function stripStart(text: string, fill: string): string {
  let start = 0;
  while (text.startsWith(fill, start)) start += fill.length;
  return text.slice(start);
}

function stripEnd(text: string, fill: string): string {
  let end = text.length;
  while (end >= fill.length && text.endsWith(fill, end)) end -= fill.length;
  return text.slice(0, end);
}

function compilePad(option: PadOption): CompiledTransform {
  const strip = stripper(option.fill, option.side);
  const { length: width, fill, side } = option;
  return passingNull('pad', {
    toDomain(value: PresentScalar): Scalar {
      return strip(requireText('pad', value));
    },
    toLegacy(value: PresentScalar): Scalar {
      const text = requireText('pad', value);
      if (codePointLength(text) > width) throw new TransformError('pad', value, `longer than ${width} characters`);
      return padText(text, width, fill, side);
    },
  });
}

export const pad: TransformDefinition<PadOption> = { name: 'pad', option: padOption, compile: compilePad };
