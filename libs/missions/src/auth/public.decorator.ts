import { SetMetadata, type CustomDecorator } from '@nestjs/common';

// Namespaced so a host app's own "isPublic" metadata neither opens nor closes our routes.
export const MISSIONS_PUBLIC_KEY = 'missions:public';

/** Marks a route (or controller) of the missions module as reachable without authentication. */
export const Public = (): CustomDecorator<string> => SetMetadata(MISSIONS_PUBLIC_KEY, true);
