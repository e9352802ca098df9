import { z } from 'zod';

/**
 * A route's flag: who answers it. `legacy` and `modern` are plain; `shadow` lets legacy answer and
 * calls modern too, to compare; `modern-verify` the other way round; `canary` sends a sticky share
 * of keys to modern.
 */
export const stages = ['legacy', 'shadow', 'canary', 'modern', 'modern-verify'] as const;
export type Stage = (typeof stages)[number];
export type TargetName = 'legacy' | 'modern';

export interface Flag {
  readonly stage: Stage;
  /** Share of keys sent to modern, 0-100 with two decimals; only for `canary`. */
  readonly percent?: number;
}

export const legacyFlag: Flag = Object.freeze({ stage: 'legacy' });

const percentSchema = z
  .number()
  .min(0, 'percent is 0 to 100')
  .max(100, 'percent is 0 to 100')
  .refine((value) => Math.round(value * 100) === value * 100, 'percent has at most two decimals');

export const flagSchema = z
  .object({ stage: z.enum(stages), percent: percentSchema.optional() })
  .strict()
  .superRefine((flag, context) => {
    if (flag.stage === 'canary' && flag.percent === undefined) {
      context.addIssue({ code: 'custom', path: ['percent'], message: 'a canary needs a percent (0-100)' });
    }
    if (flag.stage !== 'canary' && flag.percent !== undefined) {
      context.addIssue({ code: 'custom', path: ['percent'], message: `percent applies to canary only, not ${flag.stage}` });
    }
  });

/** Does this flag ever need the modern target? */
export function usesModern(flag: Flag): boolean {
  return flag.stage !== 'legacy';
}

export function describeFlag(flag: Flag): string {
  return flag.stage === 'canary' ? `canary ${flag.percent}%` : flag.stage;
}

export function sameFlag(a: Flag, b: Flag): boolean {
  return a.stage === b.stage && a.percent === b.percent;
}
