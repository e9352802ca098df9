import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential read from the environment or a secret file. Whatever prints it — a logger, JSON,
 * `util.inspect`, a template string — sees `[redacted]`; only `reveal()` gives the value, and only
 * the code that puts it on the wire calls it.
 *
 * @example
 * const password = new Secret(process.env.CRM_PASSWORD!);
 * JSON.stringify({ password });   // {"password":"[redacted]"}
 * digest(password.reveal());
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
