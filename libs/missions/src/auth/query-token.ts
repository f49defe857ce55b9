import { SetMetadata, type CustomDecorator } from '@nestjs/common';

export const MISSIONS_QUERY_TOKEN_KEY = 'missions:query-token';

/**
 * Lets a route of the missions module also take its token from `?access_token=`, for browser
 * EventSource clients, which cannot set headers. Only for such routes: a token in a URL ends
 * up in access logs and browser history.
 */
export const AllowQueryToken = (): CustomDecorator<string> => SetMetadata(MISSIONS_QUERY_TOKEN_KEY, true);

// Set by the guard, which sees the route's metadata; the passport extractor sees only the request.
const QUERY_TOKEN_ALLOWED = Symbol('missions.queryTokenAllowed');

export function allowQueryToken(request: object): void {
  (request as Record<symbol, unknown>)[QUERY_TOKEN_ALLOWED] = true;
}

export function queryTokenAllowed(request: object): boolean {
  return (request as Record<symbol, unknown>)[QUERY_TOKEN_ALLOWED] === true;
}
