import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { MetricsModuleOptions } from './metrics.options.js';

export const {
  ConfigurableModuleClass: ConfigurableMetricsModule,
  MODULE_OPTIONS_TOKEN: METRICS_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<MetricsModuleOptions>().setClassMethodName('forRoot').build();
