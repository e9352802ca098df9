import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { prepareConfig } from '../../../src/gateway.js';
import { GatewayError } from '../../../src/problem/index.js';
import { FlagService, MemoryFlagStore, Strangler, isServerFailure } from '../../../src/strangler/index.js';

const prepared = await prepareConfig('gateway.yaml');
const routes = prepared.mappings.routes;
const getCustomer = routes.find((route) => route.id === 'customers.getCustomer')!;

async function strangler(maxConcurrent: number): Promise<Strangler> {
  const { service } = await FlagService.open(
    new MemoryFlagStore(),
    routes.map((route) => ({ id: route.id, hasModern: route.modern !== undefined })),
  );
  await service.change({ route: getCustomer.id, flag: { stage: 'shadow' }, actor: 't', reason: 'r' });
  return new Strangler({ flags: service, routes, shadow: { maxConcurrent, timeoutMs: 200, samples: 5 }, overrideSecret: undefined, logger: pino({ level: 'silent' }) });
}

const context = { input: { params: { id: '1' }, query: {}, body: undefined }, requestId: 'r', header: () => undefined, stickyKey: '1' };

describe('the shadow runner', () => {
  it('skips and counts shadow calls beyond the cap', async () => {
    const subject = await strangler(1);
    let release!: () => void;
    const blocked = new Promise<unknown>((resolve) => (release = () => resolve({ id: '1' })));
    subject.shadow(getCustomer, 'legacy', { id: '1' }, () => blocked, context);
    subject.shadow(getCustomer, 'legacy', { id: '1' }, async () => ({ id: '1' }), context);
    subject.shadow(getCustomer, 'legacy', { id: '1' }, async () => ({ id: '1' }), context);
    expect(subject.shadowReport(getCustomer.id)).toMatchObject({ skipped: 2, matched: 0 });
    release();
    await expect.poll(() => subject.shadowReport(getCustomer.id)?.matched).toBe(1);
  });

  it('gives the shadow its own deadline and counts a failure, never throwing', async () => {
    const subject = await strangler(4);
    subject.shadow(getCustomer, 'legacy', { id: '1' }, (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), context);
    await expect.poll(() => subject.shadowReport(getCustomer.id)?.secondaryFailed, { timeout: 2_000 }).toBe(1);
  });

  it('does not shadow a write route even in shadow stage', async () => {
    const subject = await strangler(4);
    const update = routes.find((route) => route.id === 'customers.updateCustomerAddress')!;
    await subject.flags.change({ route: update.id, flag: { stage: 'shadow' }, actor: 't', reason: 'r' });
    expect(subject.decide(update, context)).toEqual({ primary: 'legacy', secondary: undefined });
    expect(subject.decide(getCustomer, context)).toEqual({ primary: 'legacy', secondary: 'modern' });
  });
});

describe('isServerFailure', () => {
  it('counts 5xx problems and anything that is not a problem, never a 4xx answer', () => {
    expect(isServerFailure(GatewayError.of('upstream-unreachable'))).toBe(true);
    expect(isServerFailure(GatewayError.of('not-found'))).toBe(false);
    expect(isServerFailure(GatewayError.of('invalid-request'))).toBe(false);
    expect(isServerFailure(new Error('boom'))).toBe(true);
    // A foreign object that merely carries a status is still not an answer from the upstream.
    expect(isServerFailure({ status: 404 })).toBe(true);
  });
});
