import { ConfigurableModuleBuilder } from '@nestjs/common';

/** Options of {@link ShutdownModule}. */
export interface ShutdownOptions {
  /** How long requests in flight may take to finish after SIGTERM before they are cut. */
  graceMs: number;
}

export const {
  ConfigurableModuleClass: ConfigurableShutdownModule,
  MODULE_OPTIONS_TOKEN: SHUTDOWN_OPTIONS,
} = new ConfigurableModuleBuilder<ShutdownOptions>().setClassMethodName('forRoot').build();
