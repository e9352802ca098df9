import { isTransformError } from './transforms/index.js';

/**
 * Failures while mapping one request or reply. They carry the domain-side path of the field, so a
 * problem can say which field broke without repeating legacy data.
 */

export type FieldPath = ReadonlyArray<string | number>;

export function renderFieldPath(path: FieldPath): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text === '' ? segment : `${text}.${segment}`),
    '',
  );
}

abstract class MappingError extends Error {
  constructor(
    readonly path: FieldPath,
    readonly reason: string,
  ) {
    super(path.length === 0 ? reason : `${renderFieldPath(path)}: ${reason}`);
  }

  abstract at(segment: string | number): MappingError;
}

/** The upstream's reply does not fit the mapping: becomes a 502. */
export class ReplyMappingError extends MappingError {
  override readonly name = 'ReplyMappingError';

  at(segment: string | number): ReplyMappingError {
    return new ReplyMappingError([segment, ...this.path], this.reason);
  }
}

/** The client's input cannot be expressed in the legacy request: becomes a 400. */
export class RequestMappingError extends MappingError {
  override readonly name = 'RequestMappingError';

  at(segment: string | number): RequestMappingError {
    return new RequestMappingError([segment, ...this.path], this.reason);
  }
}

/** A failure inside a reply reader, as a ReplyMappingError; anything else is a bug and rethrown. */
export function asReplyError(error: unknown): ReplyMappingError {
  if (isReplyMappingError(error)) return error;
  if (isTransformError(error)) return new ReplyMappingError([], error.message);
  throw error;
}

/** A failure while writing a request, as a RequestMappingError under `path` (the input field). */
export function asRequestError(error: unknown, path: ReadonlyArray<string | number>): RequestMappingError {
  let mapped: RequestMappingError;
  if (isRequestMappingError(error)) mapped = error;
  else if (isTransformError(error)) mapped = new RequestMappingError([], error.message);
  else throw error;
  for (let index = path.length - 1; index >= 0; index--) mapped = mapped.at(path[index]!);
  return mapped;
}

export function isReplyMappingError(error: unknown): error is ReplyMappingError {
  return error instanceof ReplyMappingError;
}

export function isRequestMappingError(error: unknown): error is RequestMappingError {
  return error instanceof RequestMappingError;
}
