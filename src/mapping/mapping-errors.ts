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

export function isReplyMappingError(error: unknown): error is ReplyMappingError {
  return error instanceof ReplyMappingError;
}

export function isRequestMappingError(error: unknown): error is RequestMappingError {
  return error instanceof RequestMappingError;
}
