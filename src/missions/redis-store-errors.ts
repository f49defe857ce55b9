import { ReplyError } from 'ioredis';

// Replies that mean "this server cannot serve now", not "this command is wrong".
const UNAVAILABLE_REPLIES = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|NOREPLICAS)\b/;

/**
 * The Redis adapter's reading of an ioredis failure: whether the store was unreachable or too
 * slow (connection refused or reset, "Stream isn't writeable" with the offline queue disabled,
 * "Command timed out", "Connection is closed.", MaxRetriesPerRequestError) rather than a reply
 * error of the command itself, which is a bug to surface as such.
 */
export function isStoreUnavailable(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  if (error instanceof ReplyError) return UNAVAILABLE_REPLIES.test(error.message);
  return true;
}
