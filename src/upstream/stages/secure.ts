import type { WsSecurity } from '../../soap/index.js';
import type { Call, Stage } from '../call.js';

/**
 * Adds WS-Security to every attempt of a SOAP call: the envelope is built anew from the request's
 * tree, so each attempt (a retry too) has its own nonce, Created and signature and is never taken
 * for a replay. Innermost but for balancing, so the timestamp is as fresh as the attempt.
 */
export function secure(security: WsSecurity): Stage {
  return (next: Call): Call =>
    function secured(request, signal) {
      if (request.soap === undefined) return next(request, signal);
      return next({ ...request, body: security.envelope(request.soap.version, request.soap.body) }, signal);
    };
}
