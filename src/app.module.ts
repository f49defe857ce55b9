import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { loadEnv, missionsOptionsFromEnv, type AppEnv } from './config/env.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { wantsPrettyLogs } from './logging/service-logger.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MissionsDashboardModule, MissionsModule } from 'missions';
import { DEV_TOKEN_ROUTE, devTokensEnabled } from './dev-token/dev-token.controller.js';
import { DevTokenModule } from './dev-token/dev-token.module.js';
import { ShutdownModule } from './shutdown/shutdown.module.js';

/** The environment, validated once when the config loads; a bad variable stops the boot. */
export const appEnv = registerAs('app', (): AppEnv => loadEnv(process.env));

/** The standalone service: the missions module configured from the environment. */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, load: [appEnv] }),
    LoggingModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const { logLevel, nodeEnv } = config.getOrThrow<AppEnv>('app');
        return { level: logLevel, pretty: wantsPrettyLogs(nodeEnv) };
      },
    }),
    EventEmitterModule.forRoot(),
    MissionsModule.forRootAsync({
      isGlobal: true, // HealthModule's readiness probe uses its Redis connection
      inject: [ConfigService],
      useFactory: (config: ConfigService) => missionsOptionsFromEnv(config.getOrThrow<AppEnv>('app')),
    }),
    // The operator page under /ui/; its sign-in offers a dev token only where DevTokenModule mints them.
    MissionsDashboardModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({ devTokenUrl: devTokensEnabled(config.getOrThrow<AppEnv>('app')) ? DEV_TOKEN_ROUTE : null }),
    }),
    DevTokenModule,
    HealthModule,
    MetricsModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => config.getOrThrow<AppEnv>('app').metrics,
    }),
    ShutdownModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({ graceMs: config.getOrThrow<AppEnv>('app').shutdownGraceMs }),
    }),
  ],
})
export class AppModule {}
