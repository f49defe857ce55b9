import { ConfigurableModuleBuilder } from '@nestjs/common';
import { missionsControllers, type MissionsRoutesOption } from './http/missions-controllers.js';
import type { MissionsModuleOptions } from './options/missions.options.js';

/**
 * forRoot / forRootAsync. The extras are given synchronously in both, since they shape the
 * module itself: `isGlobal`, and `routes` (where the HTTP routes live, or `false` for none).
 */
export const {
  ConfigurableModuleClass: ConfigurableMissionsModule,
  MODULE_OPTIONS_TOKEN: MISSIONS_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<MissionsModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<{ isGlobal?: boolean; routes?: MissionsRoutesOption }>({ isGlobal: false, routes: {} }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    controllers: missionsControllers(extras.routes),
  }))
  .build();
