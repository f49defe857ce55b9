// How one variable is read; every reader pushes a message naming the variable instead of throwing,
// so a bad environment is reported whole.

// `FOO=` in a .env file means "not set", not "set to the empty string".
export function read(raw: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = raw[name]?.trim();
  return value ? value : undefined;
}

export function integer(raw: NodeJS.ProcessEnv, name: string, fallback: number, [min, max]: [number, number], errors: string[]): number {
  const value = read(raw, name);
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    errors.push(`${name} must be an integer ${range}, got "${value}".`);
    return fallback;
  }
  return n;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2 };

export function byteSize(raw: NodeJS.ProcessEnv, name: string, fallback: string, errors: string[]): number {
  const value = read(raw, name) ?? fallback;
  const match = /^(\d+)\s*(b|kb|mb)?$/i.exec(value);
  const bytes = match ? Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase()] : NaN;
  if (!(bytes >= 1024 && bytes <= 100 * 1024 ** 2)) {
    errors.push(`${name} must be a size from 1kb to 100mb such as "256kb" or "1mb", got "${value}".`);
  }
  return bytes;
}
