/** What a client-chosen mission id may look like (the contract's rule). */
export const MISSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Route words that can never be mission ids, in any letter case. */
export const RESERVED_MISSION_IDS = ['health', 'stats', 'events'] as const;
