import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { createLogger, type Logger } from '../../src/telemetry/index.js';
import { demoAdminToken } from './demo.js';

/** Log lines written to memory, as the gateway's own logger factory makes them (JSON, at `level`). */
export interface CapturedLog {
  readonly logger: Logger;
  text(): string;
  lines(): Array<Record<string, unknown>>;
}

export function captureLog(level = 'debug'): CapturedLog {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = (): string => chunks.join('');
  return {
    logger: createLogger({ level, format: 'json', destination }),
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A gateway on loopback ports for a config fixture: flags in memory, the demo's admin token, no file watching. */
export function startTestGateway(configPath: string, logger: Logger = pino({ level: 'silent' })): Promise<RunningGateway> {
  return startGateway({ configPath, host: '127.0.0.1', port: 0, adminPort: 0, flagLog: 'memory', adminToken: demoAdminToken, watch: false, logger });
}
