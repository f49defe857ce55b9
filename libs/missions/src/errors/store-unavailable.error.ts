/**
 * Redis could not be reached, or did not answer in time. For a write this means the outcome
 * is unknown to the caller: each write is one Lua script, so it was applied whole or not at all.
 * The HTTP layer answers 503 with `Retry-After`.
 */
export class StoreUnavailableError extends Error {
  constructor(readonly operation: string, cause: Error) {
    super(`Mission store unavailable during ${operation}: ${cause.message}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}
