import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The entry point of the compiled service, as `npm run start:prod` runs it. `npm test` builds
 * the library and the service first when a source is newer than dist/ (scripts/lib/prepare.mjs),
 * so the service runs the library through its package entry point exactly as deployed.
 */
export function builtMain(): { main: string; cleanup(): void } {
  const main = join(root, 'dist', 'main.js');
  if (!existsSync(main) || !existsSync(join(root, 'libs/missions/dist/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it when sources changed).');
  }
  return { main, cleanup: () => undefined };
}
