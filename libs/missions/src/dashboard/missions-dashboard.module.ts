import { Module } from '@nestjs/common';
import { defaultDashboardDir, loadDashboardAssets } from './dashboard-assets.js';
import { MissionsDashboardController } from './missions-dashboard.controller.js';
import {
  ConfigurableMissionsDashboardModule, DASHBOARD_ASSETS, MISSIONS_DASHBOARD_OPTIONS, type MissionsDashboardOptions,
} from './missions-dashboard.options.js';

/**
 * The live operator dashboard, served under `/ui/`: import `MissionsDashboardModule.forRoot({})`
 * (or `forRootAsync`) beside `MissionsModule` to get it; nothing is served otherwise. The page
 * ships prebuilt inside the package and talks to the missions API and its event stream only.
 */
@Module({
  controllers: [MissionsDashboardController],
  providers: [
    {
      provide: DASHBOARD_ASSETS,
      inject: [MISSIONS_DASHBOARD_OPTIONS],
      useFactory: (options: MissionsDashboardOptions) => loadDashboardAssets(options.assetsDir ?? defaultDashboardDir()),
    },
  ],
})
export class MissionsDashboardModule extends ConfigurableMissionsDashboardModule {}
