// `npm run import:seed -- …`: builds when a source is newer than dist/, then runs the built
// importer (dist/import-seed.js) with the same arguments and exit status. Where nothing is
// to be built (a deployed image), run `node dist/import-seed.js …` directly.
import { spawn } from 'node:child_process';
import { ensureBuilt, ensureDependencies, root } from './lib/prepare.mjs';

ensureDependencies();
ensureBuilt();
const child = spawn(process.execPath, [`${root}dist/import-seed.js`, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
