// `npm test`: install if needed, make sure a Redis answers, then run every Jest suite
// (unit specs in libs/missions/src/ and src/, e2e and multi-process specs in test/). Extra args go to Jest.
import { spawn } from 'node:child_process';
import { ensureBuilt, ensureDependencies, ensureLocalRedis, root } from './lib/prepare.mjs';

ensureDependencies();
ensureBuilt();
await ensureLocalRedis();
const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim() };
const jest = spawn('node', ['node_modules/jest/bin/jest.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
jest.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
