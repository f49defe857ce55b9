import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { ExtractJwt, type JwtFromRequestFunction } from 'passport-jwt';
import { jwtSegmentObject } from './jwt-segments.js';

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

const fromHeaderOrQuery = ExtractJwt.fromExtractors([
  ExtractJwt.fromAuthHeaderAsBearerToken(),
  (request) => ((request as unknown as Record<symbol, unknown>)[QUERY_TOKEN_ALLOWED] === true ? fromQuery(request) : null),
]);

/** The Bearer header, else `?access_token=` on routes marked {@link AllowQueryToken}; null when malformed. */
export const extractMissionsJwt: JwtFromRequestFunction = (request) => {
  const token = fromHeaderOrQuery(request);
  // jsonwebtoken reads claims off whatever the payload decodes to and throws a TypeError (a 500)
  // on a validly signed `null`: a token whose header or payload is not a JSON object is no token.
  if (!token || !jwtSegmentObject(token, 0) || !jwtSegmentObject(token, 1)) return null;
  return token;
};
