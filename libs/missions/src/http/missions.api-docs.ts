import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from './dto/error.response.js';

type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 422 | 429;

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Invalid input: `message` names every offending field.',
  401: 'Missing, malformed, expired or wrongly signed bearer token.',
  404: "Mission not found (another tenant's mission answers the same).",
  409: 'Conflict with the current state.',
  413: 'Request body larger than the server accepts.',
  422: 'Unprocessable.',
  429: "Over the caller's request budget, when a rate limit is configured: retry after `Retry-After` seconds.",
};

/**
 * OpenAPI responses of the contract's errors, each with Nest's error body. A status alone
 * takes the generic description; `[status, description]` says what it means on that route.
 */
export function ApiErrors(...errors: (ErrorStatus | [ErrorStatus, string])[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...errors.map((error) => {
      const [status, description] = Array.isArray(error) ? error : [error, DESCRIPTIONS[error]];
      return ApiResponse({ status, description, type: ErrorResponse });
    }),
  );
}

/**
 * The route needs `Authorization: Bearer <JWT>` (scheme `bearer`) and answers 401 without it;
 * each call, opening an event stream included, costs one request of the caller's rate limit.
 */
export function ApiAuthenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(), ApiErrors(401, 429));
}
