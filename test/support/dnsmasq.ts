import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { accessSync, chmodSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { promises as dns } from 'node:dns';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A real DNS server on loopback for the discovery tests: Debian's dnsmasq (installed by `.ci/run`),
 * answering only from a hosts file (A/AAAA) and `--srv-host` records, for names under `ficus.test`.
 * Rewrite the hosts file and call `reload()` (SIGHUP) to change A records; SRV records are command
 * line options, so `restart()` changes them.
 */

/** The dnsmasq binary, or undefined when it is not installed. */
export function findDnsmasq(): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const candidate = join(dir, 'dnsmasq');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface SrvRecord {
  readonly name: string;
  readonly target: string;
  readonly port: number;
  readonly priority?: number;
  readonly weight?: number;
}

export interface DnsServer {
  /** `127.0.0.1:<port>`, for `dns.servers` in gateway.yaml. */
  readonly address: string;
  /** Replaces the hosts file (`address name` lines) and makes dnsmasq read it again. */
  setHosts(lines: readonly string[]): Promise<void>;
  /** Restarts dnsmasq on the same port with other SRV records. */
  restart(srv: readonly SrvRecord[]): Promise<void>;
  close(): Promise<void>;
}

export async function startDnsmasq(binary: string, hosts: readonly string[], srv: readonly SrvRecord[] = []): Promise<DnsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ficus-dns-'));
  chmodSync(dir, 0o755); // dnsmasq drops to `nobody` when run as root, and reads the file again on SIGHUP
  const hostsFile = join(dir, 'hosts');
  const writeHosts = (lines: readonly string[]): void => {
    writeFileSync(hostsFile, lines.join('\n') + '\n');
    chmodSync(hostsFile, 0o644);
  };
  writeHosts(hosts);

  let port = 0;
  let child: ChildProcess | undefined;
  const launch = async (records: readonly SrvRecord[]): Promise<void> => {
    const args = [
      '--no-daemon',
      '--conf-file=/dev/null',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--no-poll',
      `--addn-hosts=${hostsFile}`,
      '--local=/ficus.test/',
      '--local-ttl=0',
      '--pid-file=',
      ...records.map((record) => `--srv-host=${record.name},${record.target},${record.port},${record.priority ?? 0},${record.weight ?? 1}`),
    ];
    child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<never>((_resolve, reject) => child!.once('exit', (code) => reject(new Error(`dnsmasq exited (${code}): ${stderr}`))));
    exited.catch(() => undefined); // it also exits when stopped later, after the race
    await Promise.race([waitUntilAnswering(port), exited]);
  };

  for (let tries = 0; ; tries++) {
    port = await freeUdpPort();
    try {
      await launch(srv);
      break;
    } catch (error) {
      await stop(child);
      if (tries >= 3) throw error;
    }
  }

  return {
    address: `127.0.0.1:${port}`,
    async setHosts(lines) {
      writeHosts(lines);
      child?.kill('SIGHUP');
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
    async restart(records) {
      await stop(child);
      await launch(records);
    },
    close: () => stop(child),
  };
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** dnsmasq is up when it answers anything (NXDOMAIN included) for a name under ficus.test. */
async function waitUntilAnswering(port: number): Promise<void> {
  const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      await resolver.resolve4('probe.ficus.test');
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === dns.NOTFOUND || code === dns.NODATA) return;
      if (Date.now() > deadline) throw new Error(`dnsmasq on port ${port} does not answer (${code})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
