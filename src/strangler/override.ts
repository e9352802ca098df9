import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TargetName } from './flag.js';

/**
 * A tester may force the target of one request with a signed header:
 *
 *   Ficus-Override: target=modern; route=customers.getCustomer; expires=1767225600; sig=<hex>
 *
 * `sig` is HMAC-SHA256, keyed with the configured secret, over `target|route|expires`. The route
 * and expiry are signed so a captured header cannot be replayed elsewhere or forever.
 */
export const overrideHeader = 'ficus-override';

export interface OverrideClaim {
  readonly target: TargetName;
  readonly route: string;
  /** Unix seconds. */
  readonly expires: number;
}

export type OverrideVerdict = { readonly ok: true; readonly target: TargetName } | { readonly ok: false; readonly reason: string };

function signature(secret: string, claim: OverrideClaim): Buffer {
  return createHmac('sha256', secret).update(`${claim.target}|${claim.route}|${claim.expires}`).digest();
}

export function signOverride(secret: string, claim: OverrideClaim): string {
  return `target=${claim.target}; route=${claim.route}; expires=${claim.expires}; sig=${signature(secret, claim).toString('hex')}`;
}

export function verifyOverride(header: string, secret: string | undefined, route: string, now = Date.now()): OverrideVerdict {
  if (!secret) return { ok: false, reason: 'overrides are disabled (no override secret is configured)' };
  const fields = new Map(
    header.split(';').map((part) => {
      const [name = '', ...rest] = part.split('=');
      return [name.trim(), rest.join('=').trim()] as const;
    }),
  );
  const target = fields.get('target');
  const expires = Number(fields.get('expires'));
  const sig = fields.get('sig') ?? '';
  if (target !== 'legacy' && target !== 'modern') return { ok: false, reason: 'target must be legacy or modern' };
  if (fields.get('route') !== route) return { ok: false, reason: 'signed for another route' };
  if (!Number.isSafeInteger(expires) || expires * 1000 < now) return { ok: false, reason: 'expired' };
  if (!/^[0-9a-f]{64}$/.test(sig)) return { ok: false, reason: 'malformed signature' };
  const expected = signature(secret, { target, route, expires });
  if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return { ok: false, reason: 'bad signature' };
  return { ok: true, target };
}
