import { z } from 'zod';
import { TransformError } from './errors.js';
import { byShape } from './options.js';
import type { CompiledTransform, PresentScalar, Scalar, TransformDefinition } from './types.js';
import { codePointLength, padText, passingNull, requireText } from './values.js';

/**
 * `trim`: the legacy value is a fixed-width field padded with blanks.
 *
 *   trim: true | both | start | end        toDomain trims that side; toLegacy sends the value as is
 *   trim: { width: 40, side?: ... }        toLegacy also pads to 40 characters (at the end, or at
 *                                          the start for `side: start`) and refuses longer values
 *
 * Blanks are space, tab, CR and LF: what fixed-width records are padded with. Other Unicode
 * spaces (NBSP...) are data, so unlike String#trim they are kept.
 */
export type TrimSide = 'both' | 'start' | 'end';

export interface TrimOption {
  readonly side: TrimSide;
  readonly width: number | undefined;
}

const side = z.enum(['both', 'start', 'end']);

const objectForm = z
  .strictObject({ width: z.int().positive().optional(), side: side.optional() })
  .transform((option): TrimOption => ({ side: option.side ?? 'both', width: option.width }));

const trueForm = z
  .literal(true, { error: 'expected true (leave trim out to keep blanks)' })
  .transform((): TrimOption => ({ side: 'both', width: undefined }));
const sideForm = side.transform((value): TrimOption => ({ side: value, width: undefined }));

export const trimOption = byShape<TrimOption>("true, 'both', 'start', 'end' or { width, side? }", {
  boolean: trueForm,
  string: sideForm,
  object: objectForm,
});

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function trimStart(text: string): string {
  let start = 0;
  while (start < text.length && isBlank(text.charCodeAt(start))) start += 1;
  return start === 0 ? text : text.slice(start);
}

function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0 && isBlank(text.charCodeAt(end - 1))) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}

const TRIMMERS: Readonly<Record<TrimSide, (text: string) => string>> = {
  both: (text) => trimEnd(trimStart(text)),
  start: trimStart,
  end: trimEnd,
};

function compileTrim(option: TrimOption): CompiledTransform {
  const trimSide = TRIMMERS[option.side];
  const { width } = option;
  const padSide = option.side === 'start' ? 'start' : 'end';
  return passingNull('trim', {
    toDomain(value: PresentScalar): Scalar {
      return trimSide(requireText('trim', value));
    },
    toLegacy(value: PresentScalar): Scalar {
      if (width === undefined) return value;
      const text = requireText('trim', value);
      if (codePointLength(text) > width) throw new TransformError('trim', value, `longer than ${width} characters`);
      return padText(text, width, ' ', padSide);
    },
  });
}

export const trim: TransformDefinition<TrimOption> = { name: 'trim', option: trimOption, compile: compileTrim };
