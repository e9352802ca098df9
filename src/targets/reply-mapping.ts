import { isReplyMappingError, renderFieldPath } from '../mapping/index.js';
import { GatewayError } from '../problem/index.js';

/**
 * Runs a target's compiled reply mapping. A reply that does not fit becomes a 502 that names the
 * field, not the legacy value: that stays in the logs, through the error's cause.
 *
 * @example
 * mapReply(() => target.readReply(json), `The ${target.upstream} service`);
 */
export function mapReply<T>(read: () => T, sender: string): T {
  try {
    return read();
  } catch (error) {
    if (!isReplyMappingError(error)) throw error;
    const field = error.path.length > 0 ? ` at ${renderFieldPath(error.path)}` : '';
    throw GatewayError.of('bad-upstream-reply', `${sender} sent a reply that does not fit the mapping${field}.`, { cause: error });
  }
}
