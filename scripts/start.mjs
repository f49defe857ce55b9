// `npm start`: install if needed, build, make sure a Redis answers, then run the service.
// `npm run start:dev` runs from sources with `nest start --watch` instead of building.
import { spawn } from 'node:child_process';
import { serviceNodeFlags } from './lib/node-flags.mjs';
import { ensureDependencies, ensureLocalRedis, root, run } from './lib/prepare.mjs';

const dev = process.argv.includes('--dev');
ensureDependencies();
await ensureLocalRedis();
if (!dev) run('npm', ['run', '-s', 'build']);
const [command, args] = dev ? ['npx', ['nest', 'start', '--watch']] : ['node', [...serviceNodeFlags(), 'dist/main.js']];
const service = spawn(command, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => service.kill(signal));
service.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
