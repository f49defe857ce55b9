import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { MissionsModuleOptions } from './options/missions.options.js';

/** forRoot / forRootAsync, global by default so a host app imports it once. */
export const {
  ConfigurableModuleClass: ConfigurableMissionsModule,
  MODULE_OPTIONS_TOKEN: MISSIONS_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<MissionsModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
