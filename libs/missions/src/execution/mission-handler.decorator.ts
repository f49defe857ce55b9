import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider method as the handler of missions whose `data.type` is `type`:
 * `@MissionHandler('deploy') async deploy(ctx: MissionHandlerContext) { … }`.
 * Found at boot in every module of the app; the method runs with its provider as `this`.
 */
export const MissionHandler = DiscoveryService.createDecorator<string>();
