import { Controller, type Type } from '@nestjs/common';
import { MissionsOptionsError } from '../options/missions.options.js';
import { MissionsEventsController } from './missions-events.controller.js';
import { MissionsController } from './missions.controller.js';

/** The contract's base path; a host app with `setGlobalPrefix('api')` gives `{ path: 'missions' }`. */
export const DEFAULT_MISSIONS_PATH = 'api/missions';

/**
 * Where the module's HTTP routes live: `{ path }` relative to the host's global prefix (default
 * `api/missions`), or `false` for none (the host uses `MissionsService` only).
 */
export type MissionsRoutesOption = { path?: string } | false;

const PATH_PATTERN = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

/**
 * The controllers of one module instance, mounted at its path. Subclasses rather than the
 * classes themselves, so the path is this instance's own; they keep the original names, which
 * OpenAPI operation ids are made of.
 */
export function missionsControllers(routes: MissionsRoutesOption | undefined): Type[] {
  if (routes === false) return [];
  const path = (routes?.path ?? DEFAULT_MISSIONS_PATH).replace(/^\/+|\/+$/g, '');
  if (!PATH_PATTERN.test(path)) {
    throw new MissionsOptionsError(`routes.path must be URL path segments like 'api/missions', got '${routes?.path}'.`);
  }
  // MissionsEventsController first: its literal `events` must win over `GET :id`.
  return [MissionsEventsController, MissionsController].map((base) => mountedAt(base, path));
}

function mountedAt(base: Type, path: string): Type {
  const mounted = class extends base {};
  Object.defineProperty(mounted, 'name', { value: base.name });
  Controller(path)(mounted);
  return mounted;
}
