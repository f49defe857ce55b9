import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The entry point of the compiled service, as `npm run start:prod` runs it: dist/main.js when
 * it is newer than every source (CI builds before testing), else a fresh compile in a temp dir.
 */
export function builtMain(): { main: string; cleanup(): void } {
  const dist = join(root, 'dist', 'main.js');
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestSourceMs(join(root, 'src'))) return { main: dist, cleanup: () => undefined };
  const outDir = mkdtempSync(join(tmpdir(), 'missions-build-'));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir, '--sourceMap', 'false'], { cwd: root });
  cpSync(join(root, 'src/missions/scripts'), join(outDir, 'missions/scripts'), { recursive: true });
  // "type": "module", and the project's packages, as dist/ would see them.
  cpSync(join(root, 'package.json'), join(outDir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(outDir, 'node_modules'));
  return { main: join(outDir, 'main.js'), cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}
