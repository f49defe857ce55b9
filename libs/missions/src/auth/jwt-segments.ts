/**
 * The JSON object a token's header (0) or payload (1) segment decodes to, or undefined when it
 * is not one. Read before verification only to pick a key or to refuse the token early.
 */
export function jwtSegmentObject(token: string, index: 0 | 1): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token.split('.', 3)[index] ?? '', 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
