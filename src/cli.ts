import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_STUB_PORTS } from '../legacy-stubs/ports.js';
import { flagsCommand, overrideCommand } from './cli/flags-commands.js';
import { formatIssue, isConfigError } from './config/index.js';

/**
 * `ficus`: serve the gateway, check and test mappings, run the demo's backends, flip flags.
 * Exit codes: 0 ok, 1 a check failed (config, mapping examples), 2 bad usage or a crash.
 * Commands import what they need when they run, so `ficus flags list` starts fast.
 */

const defaultConfig = process.env['FICUS_CONFIG'] ?? 'gateway.yaml';

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return parsed;
}

function envPort(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  try {
    return port(value);
  } catch {
    fail(`${name}=${value} is not a port; set it to a number from 0 to 65535`);
  }
}

function fail(message: string, exitCode = 2): never {
  console.error(`ficus: ${message}`);
  process.exit(exitCode);
}

/** Reports config problems as `file:path: message`, one per line, then exits 1. */
function reportConfigError(error: unknown): never {
  if (!isConfigError(error)) throw error;
  for (const issue of error.issues) console.error(formatIssue(issue));
  console.error(`\n${error.issues.length} problem(s). Fix them and run \`ficus validate\` again.`);
  process.exit(1);
}

const program = new Command()
  .name('ficus')
  .description('An anti-corruption gateway: a clean JSON API in front of legacy SOAP systems.')
  .showHelpAfterError('(run `ficus --help` or `ficus <command> --help` for usage)');

program
  .command('serve')
  .description('Start the gateway: the domain API on PORT (8080), the admin API on ADMIN_PORT (9090).')
  .option('-c, --config <file>', 'gateway.yaml to load (env FICUS_CONFIG)', defaultConfig)
  .option('--with-stubs', "also run the demo's backends in a child process (CRM_PORT 8701, POLICY_PORT 8702, MODERN_PORT 8703)")
  .action(async (options: { config: string; withStubs?: boolean }) => {
    const [{ startGateway }, { createLogger }] = await Promise.all([import('./gateway.js'), import('./telemetry/index.js')]);
    const logger = createLogger();
    const stubs = options.withStubs ? await forkStubs() : undefined;
    let gateway;
    try {
      gateway = await startGateway({
        configPath: options.config,
        port: envPort('PORT', 8080),
        host: process.env['HOST'] || '0.0.0.0',
        adminPort: envPort('ADMIN_PORT', 9090),
        adminHost: process.env['ADMIN_HOST'] || '127.0.0.1',
        adminToken: process.env['FICUS_ADMIN_TOKEN'] || undefined,
        overrideSecret: process.env['FICUS_OVERRIDE_SECRET'] || undefined,
        logger,
      });
    } catch (error) {
      stubs?.kill('SIGTERM');
      if (isConfigError(error)) reportConfigError(error);
      fail(`cannot start: ${(error as Error).message}`);
    }
    const running = gateway;
    console.error(`\nficus is ready: domain API ${running.domainUrl}, admin API ${running.adminUrl}/livez`);
    if (stubs) console.error(`try: curl ${running.domainUrl}/customers/1\n`);
    let stopping = false;
    const stop = async (exitCode: number): Promise<void> => {
      if (stopping) return;
      stopping = true;
      await running.shutdown();
      stubs?.kill('SIGTERM');
      process.exit(exitCode);
    };
    stubs?.once('exit', (code, signal) => {
      // Ctrl-C reaches the whole process group: the backends stopping then is no failure.
      if (stopping || code === 0 || signal === 'SIGINT' || signal === 'SIGTERM') return void stop(0);
      logger.error({ code }, 'the demo backends stopped; stopping the gateway');
      void stop(1);
    });
    process.on('SIGHUP', () => void running.reload('signal'));
    process.once('SIGINT', () => void stop(0));
    process.once('SIGTERM', () => void stop(0));
  });

program
  .command('validate')
  .description('Check gateway.yaml, the WSDLs and every mapping file; print each problem as file:path: message.')
  .option('-c, --config <file>', 'gateway.yaml to load (env FICUS_CONFIG)', defaultConfig)
  .action(async (options: { config: string }) => {
    const { prepareConfig } = await import('./gateway.js');
    try {
      const prepared = await prepareConfig(options.config);
      const files = prepared.loaded.mappingSources.length;
      const upstreams = Object.keys(prepared.loaded.gateway.upstreams).length;
      console.log(`ok: ${prepared.mappings.routes.length} routes in ${files} mapping file(s), ${upstreams} upstream(s) (${prepared.contracts.size} SOAP)`);
    } catch (error) {
      reportConfigError(error);
    }
  });

program
  .command('test')
  .description("Run every mapping's examples offline (no network): input -> legacy request -> canned reply -> answer.")
  .option('-c, --config <file>', 'gateway.yaml to load (env FICUS_CONFIG)', defaultConfig)
  .action(async (options: { config: string }) => {
    const [{ prepareConfig }, { runExamples }] = await Promise.all([import('./gateway.js'), import('./examples/index.js')]);
    let prepared;
    try {
      prepared = await prepareConfig(options.config);
    } catch (error) {
      reportConfigError(error);
    }
    const results = await runExamples(prepared.mappings.routes, {
      limits: prepared.xmlLimits,
      problemTypeBase: prepared.loaded.gateway.problemTypeBase,
    });
    let failed = 0;
    for (const result of results) {
      const ok = result.failures.length === 0;
      if (!ok) failed++;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${result.route}: ${result.example.name}`);
      for (const failure of result.failures) console.log(`       ${result.example.where}: ${failure}`);
    }
    const routesWithout = prepared.mappings.routes.filter((route) => route.examples.length === 0).map((route) => route.id);
    if (routesWithout.length > 0) console.log(`\nroutes without examples: ${routesWithout.join(', ')}`);
    console.log(`\n${results.length - failed} of ${results.length} examples passed`);
    if (results.length === 0) console.log('add `examples:` to your routes; see README "Testing a mapping"');
    process.exit(failed > 0 ? 1 : 0);
  });

interface StubsOptions {
  crmPort?: number;
  policyPort?: number;
  modernPort?: number;
  secureCrmPort?: number;
  secureCrmUser: string;
  host: string;
}

/** A stub as `ficus stubs` reports and stops it. */
interface ServedStub {
  readonly name: string;
  readonly url: string;
  readonly describe: string;
  close(): Promise<void>;
}

/**
 * The CRM behind WS-Security runs when SECURE_CRM_PASSWORD gives it a password to check. The
 * password is never an argument: arguments are visible to every user of the machine (`ps`).
 */
function secureCrmSettings(options: StubsOptions): { port: number; user: string; password: string } | undefined {
  const password = process.env['SECURE_CRM_PASSWORD'];
  if (password === undefined || password === '') {
    if (options.secureCrmPort !== undefined) fail('--secure-crm-port needs a password for the stub to check: set SECURE_CRM_PASSWORD (and CRM_PASSWORD, the same, for the gateway)');
    return undefined;
  }
  return { port: options.secureCrmPort ?? envPort('SECURE_CRM_PORT', DEFAULT_STUB_PORTS.secureCrm), user: options.secureCrmUser, password };
}

async function startStubs(options: StubsOptions): Promise<ServedStub[]> {
  const stubs = await import('../legacy-stubs/index.js');
  const host = options.host;
  const legacy = (stub: { name: string; url: string; close(): Promise<void> }, name = stub.name, note = ''): ServedStub => ({
    name,
    url: stub.url,
    describe: `legacy stub ${name}: ${stub.url} (WSDL: ${stub.url}?wsdl${note})`,
    close: () => stub.close(),
  });
  const secure = secureCrmSettings(options);
  return Promise.all([
    stubs.startCustomerStub({ host, port: options.crmPort ?? envPort('CRM_PORT', DEFAULT_STUB_PORTS.crm) }).then((stub) => legacy(stub)),
    stubs.startPolicyStub({ host, port: options.policyPort ?? envPort('POLICY_PORT', DEFAULT_STUB_PORTS.policy) }).then((stub) => legacy(stub)),
    stubs.startModernCustomerService({ host, port: options.modernPort ?? envPort('MODERN_PORT', DEFAULT_STUB_PORTS.modern) }).then((service) => ({
      name: service.name,
      url: service.url,
      describe: `modern service ${service.name}: ${service.url}/v2`,
      close: () => service.close(),
    })),
    ...(secure === undefined
      ? []
      : [
          stubs
            .startSecureCustomerStub({ host, port: secure.port, users: { [secure.user]: secure.password } })
            .then((stub) => legacy(stub, 'secure-crm', `; every call needs a WS-Security UsernameToken for user ${secure.user}`)),
        ]),
  ]);
}

program
  .command('stubs')
  .description(
    "Run only the demo's backends: the legacy SOAP stubs (CRM, SOAP 1.1; policy system, SOAP 1.2), the modern customer service, and, when SECURE_CRM_PASSWORD is set, the CRM behind WS-Security.",
  )
  .addOption(new Option('--crm-port <port>', `port of the CRM stub (env CRM_PORT, default ${DEFAULT_STUB_PORTS.crm})`).argParser(port))
  .addOption(new Option('--policy-port <port>', `port of the policy stub (env POLICY_PORT, default ${DEFAULT_STUB_PORTS.policy})`).argParser(port))
  .addOption(new Option('--modern-port <port>', `port of the modern customer service (env MODERN_PORT, default ${DEFAULT_STUB_PORTS.modern})`).argParser(port))
  .addOption(
    new Option('--secure-crm-port <port>', `port of the CRM behind WS-Security (env SECURE_CRM_PORT, default ${DEFAULT_STUB_PORTS.secureCrm}); its password comes from SECURE_CRM_PASSWORD`).argParser(port),
  )
  .option('--secure-crm-user <name>', 'the user the CRM behind WS-Security accepts', 'ficus-gw')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .action(async (options: StubsOptions) => {
    let services: ServedStub[];
    try {
      services = await startStubs(options);
    } catch (error) {
      fail(`cannot start the stubs: ${(error as Error).message} (is the port in use? choose others with --crm-port, --policy-port, --modern-port, --secure-crm-port)`);
    }
    for (const service of services) console.error(service.describe);
    if (!services.some((service) => service.name === 'secure-crm')) {
      console.error(`(the CRM behind WS-Security runs too when SECURE_CRM_PASSWORD is set: on port ${DEFAULT_STUB_PORTS.secureCrm}, or --secure-crm-port)`);
    }
    process.send?.({ ready: Object.fromEntries(services.map((service) => [service.name, service.url])) });
    const stop = async (): Promise<void> => {
      await Promise.all(services.map((service) => service.close()));
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    process.once('disconnect', () => void stop());
  });

program.addCommand(flagsCommand());
program.addCommand(overrideCommand());

/** Starts `ficus stubs` as a child (its own event loop) and waits until it listens. */
function forkStubs(): Promise<ChildProcess> {
  const entry = process.argv[1] ?? fileURLToPath(import.meta.url);
  const child = fork(entry, ['stubs'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the legacy stubs exited with code ${code}`)));
  }).then(
    () => child,
    (error: Error) => fail(error.message),
  );
}

program.parseAsync(process.argv).catch((error: unknown) => fail((error as Error).stack ?? String(error)));
