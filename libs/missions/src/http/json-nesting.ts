/**
 * How deep free-form JSON (`data`) may nest objects and arrays, `{}` being depth 1. Far below
 * any stack a reader of it might spend (ours, a client's decoder); no typed field takes an
 * object, so a request body nests at most one level more.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);

/**
 * Whether serialized JSON nests deeper than `maxDepth`, read from its text without parsing it:
 * undefined when it does not, else the top-level field it happens under (null when the top
 * level is not an object). Brackets inside strings do not count.
 */
export function nestingBeyond(json: string, maxDepth: number): { field: string | null } | undefined {
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  let key: [number, number] | undefined;
  const topIsObject = json.trimStart().startsWith('{');
  for (let i = 0; i < json.length; i += 1) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) {
        inString = false;
        // At depth 1 the last string before a nested value is that value's key.
        if (depth === 1) key = [stringStart, i + 1];
      }
    } else if (c === QUOTE) {
      inString = true;
      stringStart = i;
    } else if (OPENERS.has(c)) {
      depth += 1;
      if (depth > maxDepth) return { field: topIsObject && key ? decodeKey(json.slice(...key)) : null };
    } else if (CLOSERS.has(c)) depth -= 1;
  }
  return undefined;
}

function decodeKey(quoted: string): string | null {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return null;
  }
}

/** The 400 message for a field nested past {@link MAX_JSON_DEPTH}. */
export const tooDeepMessage = (field: string): string =>
  `${field} must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep`;

/**
 * The 400 message for a JSON request body that nests past the limit (naming the top-level
 * field), or undefined when it does not. For a host's body parser: checked on the raw text it
 * costs a linear scan, where parsing a body of 100 000 nested brackets takes ~0.4 s of CPU.
 */
export function requestBodyNestingProblem(json: string): string | undefined {
  const beyond = nestingBeyond(json, MAX_JSON_DEPTH + 1);
  if (!beyond) return undefined;
  return beyond.field === null
    ? `request body must not nest objects and arrays more than ${MAX_JSON_DEPTH + 1} levels deep`
    : tooDeepMessage(beyond.field);
}
