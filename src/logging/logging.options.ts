import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { DestinationStream, LevelWithSilent } from 'pino';

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Options of {@link LoggingModule}. */
export interface LoggingOptions {
  level: LevelWithSilent;
  /** Human-readable lines (pino-pretty) instead of JSON: for a developer's terminal. */
  pretty?: boolean;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
}

export const {
  ConfigurableModuleClass: ConfigurableLoggingModule,
  MODULE_OPTIONS_TOKEN: LOGGING_OPTIONS,
} = new ConfigurableModuleBuilder<LoggingOptions>().setClassMethodName('forRoot').build();
