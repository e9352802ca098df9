import { startGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/telemetry/index.js';
import { benchConfigPath } from '../lib/paths.js';
import { benchOptions, serveBench } from './probe.js';

/**
 * Contender "ficus": the gateway as `ficus serve` runs it (its info-level access log included,
 * written to stdout, which the benchmark sends to /dev/null), with the benchmark's config
 * (bench/config: the demo's CRM WSDL and customer mappings, searches up to 5000 rows).
 */

const { upstream } = benchOptions<{ upstream: string }>();

await serveBench(async () => {
  const gateway = await startGateway({
    configPath: benchConfigPath,
    host: '127.0.0.1',
    port: 0,
    adminHost: '127.0.0.1',
    adminPort: 0,
    endpoints: { crm: [upstream] },
    logger: createLogger(),
  });
  return { url: gateway.domainUrl, close: () => gateway.close() };
});
