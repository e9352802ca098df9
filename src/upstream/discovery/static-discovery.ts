import type { EndpointSpec } from '../endpoint.js';
import type { Discovery, DiscoverySnapshot } from './discovery.js';

/** The endpoints listed in gateway.yaml: reported once, never changed. */
export class StaticDiscovery implements Discovery {
  constructor(private readonly endpoints: readonly EndpointSpec[]) {}

  start(update: (endpoints: readonly EndpointSpec[]) => void): Promise<void> {
    update(this.endpoints);
    return Promise.resolve();
  }

  close(): void {}

  snapshot(): DiscoverySnapshot {
    return { kind: 'static' };
  }
}
