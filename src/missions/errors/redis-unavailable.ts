// ioredis reports an unreachable store with plain Errors; these are the ones that mean "Redis
// (or the master owning the slot) cannot answer now", as opposed to a bug in a command.
const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
const UNAVAILABLE_MESSAGES = [
  /^Command timed out/,
  /^Connection is closed/,
  /enableOfflineQueue options is false/,
  /^Too many Cluster redirections/,
  /^None of startup nodes is available/,
  /^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING) /,
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)\b/,
];

/** True for an error that means the store is unreachable right now; the HTTP layer answers 503. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return UNAVAILABLE_NAMES.has(error.name) || UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}
