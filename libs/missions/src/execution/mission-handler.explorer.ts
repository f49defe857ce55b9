import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { MissionHandler } from './mission-handler.decorator.js';
import type { MissionHandler as MissionHandlerFn } from './mission-handler.js';
import { MissionHandlerRegistry } from './mission-handler.registry.js';

/** Registers every `@MissionHandler(type)` method of the app's providers at boot. */
@Injectable()
export class MissionHandlerExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly registry: MissionHandlerRegistry,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      // Request-scoped and not-yet-built providers have no instance to bind a handler to.
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const type = this.discovery.getMetadataByDecorator(MissionHandler, wrapper, method);
        if (type === undefined) continue;
        const handler = (instance as Record<string, MissionHandlerFn>)[method];
        this.registry.register(type, handler.bind(instance));
      }
    }
  }
}
