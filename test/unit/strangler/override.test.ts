import { describe, expect, it } from 'vitest';
import { signOverride, verifyOverride } from '../../../src/strangler/index.js';

describe('signed override headers', () => {
  const secret = 'test-secret';
  const expires = Math.floor(Date.now() / 1000) + 60;

  it('accept a valid signature for the route it was signed for', () => {
    const header = signOverride(secret, { target: 'modern', route: 'customers.getCustomer', expires });
    expect(verifyOverride(header, secret, 'customers.getCustomer')).toEqual({ ok: true, target: 'modern' });
  });

  it('refuse other routes, other secrets, tampering, expiry and a missing secret', () => {
    const header = signOverride(secret, { target: 'modern', route: 'customers.getCustomer', expires });
    expect(verifyOverride(header, secret, 'customers.searchCustomers')).toMatchObject({ ok: false });
    expect(verifyOverride(header, 'other', 'customers.getCustomer')).toMatchObject({ ok: false, reason: 'bad signature' });
    expect(verifyOverride(header.replace('target=modern', 'target=legacy'), secret, 'customers.getCustomer')).toMatchObject({ ok: false });
    const old = signOverride(secret, { target: 'modern', route: 'customers.getCustomer', expires: 1 });
    expect(verifyOverride(old, secret, 'customers.getCustomer')).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyOverride(header, undefined, 'customers.getCustomer')).toMatchObject({ ok: false });
  });
});
