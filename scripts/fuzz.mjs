// `npm run fuzz`: the property-based specs (test/fuzz-*.e2e-spec.ts) with a random seed and ten
// times CI's cases per property. FUZZ_SEED=<seed> replays a run; FUZZ_RUNS=<n> sets the cases
// per property. Extra args go to Jest. A failure prints its seed and path (fast-check's report).
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';

const seed = process.env.FUZZ_SEED ?? String(randomInt(2 ** 31 - 1));
const env = { ...process.env, FUZZ_SEED: seed, FUZZ_SUMMARY: '1' };
console.log(`fuzz: seed ${seed}${env.FUZZ_RUNS ? `, ${env.FUZZ_RUNS} cases per property` : ', 10x the CI cases per property'}`);
const jest = spawn('node', ['scripts/run-tests.mjs', '--testPathPatterns', 'test/fuzz-', ...process.argv.slice(2)], { stdio: 'inherit', env });
jest.on('exit', (code, signal) => {
  console.log(`fuzz: seed ${seed} ${code === 0 ? 'passed' : 'FAILED'}; replay with FUZZ_SEED=${seed} npm run fuzz`);
  process.exit(code ?? (signal ? 1 : 0));
});
