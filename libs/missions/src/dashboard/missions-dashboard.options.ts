import { ConfigurableModuleBuilder } from '@nestjs/common';

/** Options of {@link MissionsDashboardModule}. */
export interface MissionsDashboardOptions {
  /** Where the missions API is mounted, as the browser reaches it. Default `/api/missions`. */
  apiBase?: string;
  /**
   * A route that answers `POST {sub, tenant_id}` with `{token}` for local development, or
   * null (default): the sign-in page then only takes a pasted token. Never set it in production.
   */
  devTokenUrl?: string | null;
  /** The built page; default the `ui/` folder shipped beside the library's compiled code. */
  assetsDir?: string;
}

/** The page's settings, written into its index.html. */
export interface DashboardClientConfig {
  api_base: string;
  dev_token_url: string | null;
}

export const {
  ConfigurableModuleClass: ConfigurableMissionsDashboardModule,
  MODULE_OPTIONS_TOKEN: MISSIONS_DASHBOARD_OPTIONS,
} = new ConfigurableModuleBuilder<MissionsDashboardOptions>().setClassMethodName('forRoot').build();

export const DASHBOARD_ASSETS = Symbol('MISSIONS_DASHBOARD_ASSETS');
