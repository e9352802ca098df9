import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * One structured JSON logger for the process. LOG_LEVEL picks the level (default info);
 * LOG_FORMAT=json|pretty the format, which by default is human-readable when stdout is a terminal
 * and JSON lines otherwise.
 */

/** Names whose values are secrets wherever they appear in a log object (up to two levels down). */
const secretNames = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  // A signed tester override: replayable until it expires.
  'ficus-override',
  'password',
  'passphrase',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'apiKey',
  'privateKey',
  // WS-Security settings (usernameToken, x509) of an upstream, and a parsed Security header.
  'security',
  'Security',
];

const redactedText = '[redacted]';

/** pino redact paths: each secret name at the top level and one or two levels down. */
const secretPaths = secretNames.flatMap((name) => {
  const key = pathSegment(name);
  return [key, `*${dotted(key)}`, `*.*${dotted(key)}`];
});

export interface LoggerOptions {
  /** Default LOG_LEVEL, or info. */
  readonly level?: string;
  /** `pretty` or `json`; default LOG_FORMAT, else pretty exactly when stdout is a terminal. */
  readonly format?: string;
  /** Where lines go (tests); default stdout. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions | string = {}): Logger {
  const { level = process.env['LOG_LEVEL'] ?? 'info', format = process.env['LOG_FORMAT'], destination } = typeof options === 'string' ? { level: options } : options;
  const settings = { level, base: { service: 'ficus' }, redact: { paths: secretPaths, censor: redactedText } };
  if (destination) return pino(settings, destination);
  const pretty = format === 'pretty' || (format !== 'json' && process.stdout.isTTY === true);
  return pretty ? pino(settings, prettyStream()) : pino(settings);
}

/**
 * A logger that also never writes the given fields of a route input (`params.id`, `query.name`,
 * `body.address.street`, `*` for any one name), besides the secrets every logger hides.
 */
export function withRedaction(logger: Logger, inputFields: readonly string[]): Logger {
  return logger.child({}, { redact: { paths: [...secretPaths, ...inputPaths(inputFields)], censor: redactedText } });
}

/**
 * A logger for the one line per request alone, whose fields are the gateway's own (ids, route,
 * status, timings) plus, at debug level, the route input (`{ params, query }`, flat strings): it
 * redacts the secret names and the configured fields in that input only. Every wildcard path of
 * {@link withRedaction} is tried on every line, which cost about 4% of a small request.
 */
export function forRequestLines(logger: Logger, inputFields: readonly string[]): Logger {
  const secretsInInput = secretNames.map((name) => `input.*${dotted(pathSegment(name))}`);
  return logger.child({}, { redact: { paths: [...secretsInInput, ...inputPaths(inputFields)], censor: redactedText } });
}

function inputPaths(inputFields: readonly string[]): string[] {
  return inputFields.map((field) => `input${field.split('.').map(pathSegment).map(dotted).join('')}`);
}

/**
 * pino-pretty, in process and synchronous: only ever loaded for a terminal, where a person reads
 * along and lines must not trail behind the CLI's own messages; servers log JSON lines.
 */
function prettyStream(): DestinationStream {
  const require = createRequire(import.meta.url);
  const { PinoPretty } = require('pino-pretty') as typeof import('pino-pretty');
  return PinoPretty({ colorize: true, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
}

function pathSegment(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) || name === '*' ? name : `["${name}"]`;
}

function dotted(segment: string): string {
  return segment.startsWith('[') ? segment : `.${segment}`;
}

export type { Logger };
