import type { Provider } from '@nestjs/common';
import { importOptionalPeer } from '../errors/optional-peer-missing.error.js';
import { MISSIONS_OPTIONS } from '../options/missions.constants.js';
import type { ResolvedMissionsOptions } from '../options/missions.options.js';

/**
 * The passport-based half of `auth.mode: 'jwt'`, imported only in that mode: @nestjs/passport,
 * passport and passport-jwt are optional peers, and a host in 'host' mode boots without them.
 */
export const loadJwtAuth = () =>
  importOptionalPeer(`auth.mode 'jwt'`, ['@nestjs/passport', 'passport', 'passport-jwt'], () => import('./missions-jwt.strategy.js'));

// Internal token: the strategy is never injected, only built (it registers with passport then).
const MISSIONS_JWT_STRATEGY_INSTANCE = Symbol('MISSIONS_JWT_STRATEGY_INSTANCE');

/** The `missions-jwt` passport strategy in 'jwt' mode, at boot, so a missing peer fails the boot; null in 'host' mode. */
export const jwtStrategyProvider: Provider = {
  provide: MISSIONS_JWT_STRATEGY_INSTANCE,
  inject: [MISSIONS_OPTIONS],
  useFactory: async (options: ResolvedMissionsOptions) =>
    options.auth.mode === 'jwt' ? new (await loadJwtAuth()).MissionsJwtStrategy(options) : null,
};
