/**
 * The shape of this folder's errors: a named class whose `kind` says why, so callers branch on
 * the kind (or the class, through its type guard), never on the message.
 */
export abstract class KindedError<Kind extends string> extends Error {
  constructor(
    readonly kind: Kind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
