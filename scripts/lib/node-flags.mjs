// The V8 flags the service is run with, kept in one place: package.json's `start:prod`.
import { readFileSync } from 'node:fs';

/**
 * `--max-semi-space-size=8` caps V8's young generation at 2 × 8 MiB: Node 22+ reserves 2 × 32 MiB
 * by default, which under load is most of the service's resident memory (BENCHMARKS.md).
 */
export function serviceNodeFlags() {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return pkg.scripts['start:prod'].split(/\s+/).filter((word) => word.startsWith('--'));
}
