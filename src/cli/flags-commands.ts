import { Command, InvalidArgumentError, Option } from 'commander';
import { describeFlag, signOverride, stages, type Flag, type FlagEvent, type Stage } from '../strangler/index.js';

/**
 * `ficus flags list|set|history` talk to a running gateway's admin API; `ficus override sign`
 * makes a Ficus-Override header for testers.
 */

interface AdminOptions {
  adminUrl: string;
  json?: boolean;
}

const defaultAdminUrl = (): string => process.env['FICUS_ADMIN_URL'] ?? `http://127.0.0.1:${process.env['ADMIN_PORT'] || 9090}`;

class CommandFailure extends Error {}

async function admin(options: AdminOptions, path: string, init: RequestInit = {}): Promise<unknown> {
  const token = process.env['FICUS_ADMIN_TOKEN'];
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(new URL(path, options.adminUrl), { ...init, headers });
  } catch {
    throw new CommandFailure(`cannot reach the admin API at ${options.adminUrl}; is \`ficus serve\` running? Point at it with --admin-url or FICUS_ADMIN_URL.`);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const hint = response.status === 401 ? ' (set FICUS_ADMIN_TOKEN to the token the gateway was started with)' : '';
    throw new CommandFailure(`${String(body['title'] ?? response.statusText)}: ${String(body['detail'] ?? '')}${hint}`);
  }
  return body;
}

function run(action: () => Promise<void>): Promise<void> {
  return action().catch((error: unknown) => {
    if (!(error instanceof CommandFailure)) throw error;
    console.error(`ficus: ${error.message}`);
    process.exit(1);
  });
}

function percent(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 100) throw new InvalidArgumentError('a percent is a number from 0 to 100 (two decimals at most)');
  return parsed;
}

function formatEvent(event: FlagEvent): string {
  const from = event.from ? describeFlag(event.from) : 'legacy';
  return `#${event.seq} ${event.at} ${event.route}: ${from} -> ${describeFlag(event.to)} by ${event.actor}: ${event.reason}`;
}

export function flagsCommand(): Command {
  const adminUrl = new Option('--admin-url <url>', 'the admin API (env FICUS_ADMIN_URL, default http://127.0.0.1:$ADMIN_PORT)').default(defaultAdminUrl());
  const json = new Option('--json', 'print the admin API answer as JSON');
  const flags = new Command('flags').description("Show and flip route flags on a running gateway (writes need FICUS_ADMIN_TOKEN).");

  flags
    .command('list')
    .description('every route and its flag (add --at to see them as they were)')
    .addOption(adminUrl)
    .addOption(json)
    .option('--at <time>', 'an ISO 8601 time, e.g. 2026-11-29T12:00:00Z')
    .action((options: AdminOptions & { at?: string }) =>
      run(async () => {
        const answer = (await admin(options, `/admin/flags${options.at ? `?at=${encodeURIComponent(options.at)}` : ''}`)) as { version: number; flags: Record<string, Flag> };
        if (options.json) return void console.log(JSON.stringify(answer, null, 2));
        const width = Math.max(...Object.keys(answer.flags).map((route) => route.length), 5);
        console.log(`${'ROUTE'.padEnd(width)}  FLAG`);
        for (const [route, flag] of Object.entries(answer.flags)) console.log(`${route.padEnd(width)}  ${describeFlag(flag)}`);
        console.log(`\nflag log version ${answer.version}${options.at ? ` as of ${options.at}` : ''}`);
      }),
    );

  flags
    .command('set <route> <stage>')
    .description(`flip a route's flag; stage is one of ${stages.join(', ')}`)
    .addOption(adminUrl)
    .addOption(json)
    .addOption(new Option('--percent <n>', 'share of keys for a canary, 0-100').argParser(percent))
    .requiredOption('--reason <text>', 'why: recorded in the flag log')
    .option('--actor <name>', 'who: recorded in the flag log', process.env['USER'] ?? 'cli')
    .option('--if-version <n>', 'only if the flag log is still at this version (from `flags list`)')
    .option('--dry-run', 'check and show the change without recording it')
    .action((route: string, stage: string, options: AdminOptions & { percent?: number; reason: string; actor: string; ifVersion?: string; dryRun?: boolean }) =>
      run(async () => {
        if (!(stages as readonly string[]).includes(stage)) throw new CommandFailure(`unknown stage ${stage}; use one of ${stages.join(', ')}`);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (options.ifVersion !== undefined) headers['if-match'] = `"${options.ifVersion}"`;
        const body = { stage: stage as Stage, reason: options.reason, actor: options.actor, ...(options.percent === undefined ? {} : { percent: options.percent }) };
        const path = `/admin/flags/${encodeURIComponent(route)}${options.dryRun ? '?dryRun=true' : ''}`;
        const answer = (await admin(options, path, { method: 'PUT', headers, body: JSON.stringify(body) })) as { recorded: boolean; event: FlagEvent };
        if (options.json) return void console.log(JSON.stringify(answer, null, 2));
        console.log(`${answer.recorded ? 'recorded' : 'dry run, not recorded'}: ${formatEvent(answer.event)}`);
      }),
    );

  flags
    .command('history [route]')
    .description('the flag log: who flipped what, when and why')
    .addOption(adminUrl)
    .addOption(json)
    .action((route: string | undefined, options: AdminOptions) =>
      run(async () => {
        const answer = (await admin(options, `/admin/flags/history${route ? `?route=${encodeURIComponent(route)}` : ''}`)) as { events: FlagEvent[] };
        if (options.json) return void console.log(JSON.stringify(answer, null, 2));
        if (answer.events.length === 0) console.log('no flag changes recorded yet');
        for (const event of answer.events) console.log(formatEvent(event));
      }),
    );
  return flags;
}

export function overrideCommand(): Command {
  return new Command('override')
    .description('Make a signed Ficus-Override header that forces one route to a target (needs FICUS_OVERRIDE_SECRET).')
    .requiredOption('--route <id>', 'the route id, e.g. customers.getCustomer')
    .addOption(new Option('--target <target>', 'who must answer').choices(['legacy', 'modern']).makeOptionMandatory())
    .option('--ttl <seconds>', 'how long the header stays valid', '3600')
    .action((options: { route: string; target: 'legacy' | 'modern'; ttl: string }) => {
      const secret = process.env['FICUS_OVERRIDE_SECRET'];
      if (!secret) {
        console.error('ficus: set FICUS_OVERRIDE_SECRET to the secret the gateway was started with');
        process.exit(1);
      }
      const expires = Math.floor(Date.now() / 1000) + Math.max(1, Number(options.ttl) || 3600);
      console.log(`Ficus-Override: ${signOverride(secret, { target: options.target, route: options.route, expires })}`);
    });
}
