import type { Scalar } from './types.js';

const RENDERED_MAX = 40;

/**
 * A short, log-safe rendering of an offending value: JSON-quoted so control characters are
 * escaped, and cut so a multi-kilobyte field cannot flood a log line or a problem detail.
 */
export function renderValue(value: Scalar): string {
  if (typeof value !== 'string') return String(value);
  if (value.length <= RENDERED_MAX) {
    const whole = JSON.stringify(value);
    if (whole.length <= RENDERED_MAX) return whole;
  }
  // Escapes make the rendering longer than the text, so shrink until the rendering fits.
  let cut = Math.min(value.length, RENDERED_MAX);
  let rendered = '';
  do {
    cut -= isHighSurrogate(value.charCodeAt(cut - 2)) ? 2 : 1; // never leave half a surrogate pair
    rendered = `${JSON.stringify(value.slice(0, cut))}…`;
  } while (rendered.length > RENDERED_MAX && cut > 0);
  return rendered;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * A value does not fit a transform. The gateway answers 502 when it happens on a reply (the
 * legacy system broke its contract) and 400 when it happens on a request (the client did).
 */
export class TransformError extends Error {
  override readonly name = 'TransformError';
  /** The transform that refused the value, e.g. `date`. */
  readonly transform: string;
  /** The offending value, rendered short and safe (see renderValue). */
  readonly value: string;
  /** Why it does not fit, without the value, e.g. `not a real calendar date`. */
  readonly reason: string;

  constructor(transform: string, value: Scalar, reason: string) {
    const rendered = renderValue(value);
    super(`${transform}: ${reason} (got ${rendered})`);
    this.transform = transform;
    this.value = rendered;
    this.reason = reason;
  }
}

export function isTransformError(error: unknown): error is TransformError {
  return error instanceof TransformError;
}

/** One problem with a transform's option; `path` is relative to the option itself. */
export interface TransformConfigIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * A transform's option is wrong, found while a mapping loads. The mapping compiler prefixes each
 * issue's path with the field's path, so it can report `file:...fields.status.codes.A: message`.
 */
export class TransformConfigError extends Error {
  override readonly name = 'TransformConfigError';
  readonly transform: string;
  readonly issues: readonly TransformConfigIssue[];

  constructor(transform: string, issues: readonly TransformConfigIssue[]) {
    super(`${transform}: ${issues.map(describeIssue).join('; ')}`);
    this.transform = transform;
    this.issues = issues;
  }
}

export function isTransformConfigError(error: unknown): error is TransformConfigError {
  return error instanceof TransformConfigError;
}

function describeIssue(issue: TransformConfigIssue): string {
  return issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`;
}
