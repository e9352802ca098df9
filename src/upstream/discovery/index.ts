import type { UpstreamConfig } from '../../config/index.js';
import type { EndpointSpec } from '../endpoint.js';
import type { Discovery } from './discovery.js';
import { DnsDiscovery } from './dns-discovery.js';
import { StaticDiscovery } from './static-discovery.js';

export type { Discovery, DiscoverySnapshot, DnsRecordType } from './discovery.js';

/** A listed `endpoints:` entry wins over `dns:` (tests and the demo replace endpoints that way). */
export function createDiscovery(config: Pick<UpstreamConfig, 'endpoints' | 'dns'>): Discovery {
  if (config.endpoints && config.endpoints.length > 0) return new StaticDiscovery(config.endpoints.map(toSpec));
  if (config.dns) return new DnsDiscovery(config.dns);
  return new StaticDiscovery([]);
}

function toSpec(entry: string | { readonly url: string; readonly weight: number }): EndpointSpec {
  return typeof entry === 'string' ? { url: entry, weight: 1 } : entry;
}
