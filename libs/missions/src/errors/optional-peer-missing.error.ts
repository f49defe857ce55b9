/**
 * An option was chosen whose optional peer dependency is not installed in the host app, e.g.
 * `execution.mode: 'bullmq'` without `bullmq`. Thrown at boot; the message says what to install.
 */
export class OptionalPeerMissingError extends Error {
  constructor(
    readonly feature: string,
    readonly packages: readonly string[],
    cause: unknown,
  ) {
    super(`${feature} needs ${packages.join(', ')} installed in the host app: npm install ${packages.join(' ')}`, { cause });
    this.name = 'OptionalPeerMissingError';
  }
}

const missingPackage = (error: unknown): string | undefined => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  // Node: "Cannot find package 'bullmq' imported from …"; Jest: "Cannot find module 'bullmq' from …".
  return /Cannot find (?:package|module) '([^']+)'/.exec(String(message))?.[1];
};

/**
 * Loads the part of the library that needs an optional peer, only when its option is chosen,
 * so a host app without that peer still boots every other mode. A missing peer (one of
 * `packages`, or a file of it) becomes an {@link OptionalPeerMissingError}; anything else is rethrown.
 */
export async function importOptionalPeer<T>(feature: string, packages: readonly string[], load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = missingPackage(error);
    if (missing !== undefined && packages.some((name) => missing === name || missing.startsWith(`${name}/`))) {
      throw new OptionalPeerMissingError(feature, packages, error);
    }
    throw error;
  }
}
