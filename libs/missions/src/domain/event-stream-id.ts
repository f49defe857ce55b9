/** Redis stream entry ids, `<ms>-<seq>`, both unsigned 64-bit. Pure: no Redis here. */
const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;
const U64_MAX = 2n ** 64n - 1n;

function parts(id: string): [bigint, bigint] | null {
  const match = STREAM_ID.exec(id);
  if (!match) return null;
  const ms = BigInt(match[1]);
  const seq = BigInt(match[2]);
  return ms <= U64_MAX && seq <= U64_MAX ? [ms, seq] : null;
}

/** Whether `id` is a complete stream entry id, as a client may send back in `Last-Event-ID`. */
export function isStreamId(id: string): boolean {
  return parts(id) !== null;
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b`; both must be valid ids. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = parts(a) ?? invalid(a);
  const [bMs, bSeq] = parts(b) ?? invalid(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}

function invalid(id: string): never {
  throw new RangeError(`not a stream entry id: ${JSON.stringify(id)}`);
}

/** The id before every entry: reading after it reads the whole stream. */
export const STREAM_START_ID = '0-0';
