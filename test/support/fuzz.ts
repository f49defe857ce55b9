import fc from 'fast-check';

/**
 * The budget of the project's property-based specs (test/fuzz-*.e2e-spec.ts). In CI (`npm test`)
 * every property runs a fixed number of cases from a fixed seed, so a run is repeatable and the
 * whole suite stays within about a minute; a time limit per property is the safety net on a slow
 * machine. `npm run fuzz` (scripts/fuzz.mjs) sets FUZZ_SEED to a random seed and FUZZ_RUNS
 * (cases per property, 10 times CI's by default); a failure prints its seed and path, and
 * `FUZZ_SEED=<seed> npm run fuzz` replays it.
 */
export const CI_SEED = 20_261_201;

const fuzzing = process.env.FUZZ_SEED !== undefined;

/** Whether this is `npm run fuzz` (a random seed) rather than CI's fixed one. */
export const isFuzzing = (): boolean => fuzzing;
const runsOverride = Number(process.env.FUZZ_RUNS) || undefined;

export interface FuzzBudget {
  /** Cases in CI. */
  runs: number;
  /** Time limit of the property in CI; fuzzing gives it 20 times as long. */
  timeMs: number;
}

/** fast-check parameters for a property of `budget`. */
export function fuzzParameters<T>(budget: FuzzBudget): fc.Parameters<T> {
  return {
    seed: fuzzing ? Number(process.env.FUZZ_SEED) : CI_SEED,
    numRuns: runsOverride ?? (fuzzing ? budget.runs * 10 : budget.runs),
    interruptAfterTimeLimit: fuzzing ? budget.timeMs * 20 : budget.timeMs,
    markInterruptAsFailure: false,
  };
}

/** A Jest timeout that outlasts the property's own time limit (plus shrinking a failure). */
export const jestTimeout = (budget: FuzzBudget): number => (fuzzing ? budget.timeMs * 20 : budget.timeMs) + 60_000;

const counts: string[] = [];

/**
 * Runs a property like fc.assert, and records how many cases ran (FUZZ_SUMMARY=1 prints them
 * at the end of the spec). A failure's message carries the seed and path to replay it.
 */
export async function checkProperty<T>(name: string, property: fc.IAsyncProperty<T> | fc.IProperty<T>, budget: FuzzBudget): Promise<void> {
  const details = await fc.check(property, fuzzParameters<T>(budget));
  counts.push(`${name}: ${details.numRuns} cases${details.interrupted ? ' (time limit reached)' : ''}, seed ${details.seed}`);
  if (details.failed) throw new Error(`${name}: ${fc.defaultReportMessage(details)}\n${String(details.errorInstance)}`);
}

/** For the spec's afterAll: prints what ran when FUZZ_SUMMARY is set. */
export function reportFuzzCounts(): void {
  if (process.env.FUZZ_SUMMARY) process.stdout.write(`${counts.splice(0).map((line) => `fuzz ${line}`).join('\n')}\n`);
}
