import type { EventEmitter2 } from '@nestjs/event-emitter';
import { ReplyError } from 'ioredis';
import { StoreUnavailableError } from '../errors/store-unavailable.error.js';

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

/** Emitted (EventEmitter2) for every failed Redis round trip of a missions store; metrics count it. */
export const MISSIONS_STORE_ERROR_EVENT = 'missions.store_error';
export interface MissionsStoreErrorEvent {
  operation: string;
  kind: 'unavailable' | 'reply';
}

/**
 * Runs one Redis round trip of a repository. An unreachable or silent Redis becomes a
 * StoreUnavailableError here (the HTTP layer answers 503), so nothing above the repositories
 * knows ioredis; the client's commandTimeout bounds the wait. Every failure is reported.
 */
export async function storeRoundTrip<T>(operation: string, command: () => Promise<T>, emitter?: EventEmitter2): Promise<T> {
  try {
    return await command();
  } catch (error) {
    const unavailable = isStoreUnavailable(error);
    report(emitter, { operation, kind: unavailable ? 'unavailable' : 'reply' });
    throw unavailable ? new StoreUnavailableError(operation, error) : error;
  }
}

function report(emitter: EventEmitter2 | undefined, event: MissionsStoreErrorEvent): void {
  try {
    emitter?.emit(MISSIONS_STORE_ERROR_EVENT, event);
  } catch {
    // A failing metrics listener must not replace the store error the caller needs to see.
  }
}
