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

/** The service's pino logger: JSON lines on stdout, or pretty ones for a developer's terminal. */
export async function createServiceLogger(options: LoggingOptions): Promise<Pino> {
  const destination = options.destination ?? (options.pretty ? await prettyStream() : undefined);
  return destination ? pino({ level: options.level }, destination) : pino({ level: options.level });
}

/** Pretty lines when a person watches: a terminal, outside production. */
export const wantsPrettyLogs = (nodeEnv: string): boolean => nodeEnv !== 'production' && process.stdout.isTTY === true;
