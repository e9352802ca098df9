import { pino, type Logger } from 'pino';

/** One structured JSON logger for the process; LOG_LEVEL picks the level (silent in tests). */
export function createLogger(level: string = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'ficus' },
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.token'], censor: '[redacted]' },
  });
}

export type { Logger };
