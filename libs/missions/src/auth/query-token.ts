import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { ExtractJwt, type JwtFromRequestFunction } from 'passport-jwt';

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

const fromQuery = ExtractJwt.fromUrlQueryParameter('access_token');

/** The Bearer header, else `?access_token=` on routes marked {@link AllowQueryToken}. */
export const extractMissionsJwt: JwtFromRequestFunction = ExtractJwt.fromExtractors([
  ExtractJwt.fromAuthHeaderAsBearerToken(),
  (request) => ((request as unknown as Record<symbol, unknown>)[QUERY_TOKEN_ALLOWED] === true ? fromQuery(request) : null),
]);
