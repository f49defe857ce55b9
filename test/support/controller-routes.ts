import type { INestApplicationContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';

export interface ControllerRoute {
  /** Lower-case, as OpenAPI path items key their operations. */
  method: string;
  /** OpenAPI form: `/api/missions/{id}`. */
  path: string;
  handler: string;
}

// @nestjs/swagger's DECORATORS.API_EXCLUDE_CONTROLLER, set by @ApiExcludeController().
const EXCLUDED_FROM_DOCS = 'swagger/apiExcludeController';

const asArray = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : [value ?? '']);

function joinPath(...parts: string[]): string {
  const path = `/${parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Every route of every controller in the app but those marked @ApiExcludeController(), read from
 * Nest's own routing metadata (the app must import DiscoveryModule). What the router serves, independent of any Swagger decorator.
 */
export function controllerRoutes(app: INestApplicationContext): ControllerRoute[] {
  const scanner = new MetadataScanner();
  const routes: ControllerRoute[] = [];
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
    // Deliberately not API (the dashboard's static page): @ApiExcludeController() says so.
    if (!controller || Reflect.getMetadata(EXCLUDED_FROM_DOCS, controller)?.[0] === true) continue;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as object;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      for (const base of asArray(Reflect.getMetadata(PATH_METADATA, controller))) {
        for (const sub of asArray(Reflect.getMetadata(PATH_METADATA, handler))) {
          routes.push({ method: RequestMethod[method].toLowerCase(), path: joinPath(base, sub), handler: `${controller.name}.${name}` });
        }
      }
    }
  }
  return routes;
}
