import { pino, type Logger } from 'pino';

/** A pino logger at `trace` whose lines are kept in memory, to prove what never reaches a log. */
export function capturingLogger(): { logger: Logger; text(): string } {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join('') };
}
