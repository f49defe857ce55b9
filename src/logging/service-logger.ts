import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import type { LoggingOptions } from './logging.options.js';

// pino-pretty is a development dependency: a production install without it logs JSON.
async function prettyStream(): Promise<DestinationStream | undefined> {
  try {
    const { default: pretty } = await import('pino-pretty');
    return pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}

/**
 * The service's pino logger: JSON lines on stdout, or pretty ones for a developer's terminal.
 * Stdout is written asynchronously: a line goes out at once when nothing is being written, and
 * the lines that arrive meanwhile go out together in the next write, instead of one blocking
 * write(2) per line (8 % of the CPU of a create under load). pino flushes what is left when the
 * process exits; a SIGKILL can lose the last lines.
 */
export async function createServiceLogger(options: LoggingOptions): Promise<Pino> {
  const destination = options.destination ?? (options.pretty ? await prettyStream() : undefined) ?? pino.destination({ dest: 1, sync: false });
  return pino({ level: options.level }, destination);
}

/** Pretty lines when a person watches: a terminal, outside production. */
export const wantsPrettyLogs = (nodeEnv: string): boolean => nodeEnv !== 'production' && process.stdout.isTTY === true;
