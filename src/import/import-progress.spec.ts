import { describe, expect, it } from '@jest/globals';
import { progressLine } from './import-progress.js';

describe(progressLine.name, () => {
  it('should show the share, the counts, the rate and the time left', () => {
    expect(progressLine(250_000, 1_000_000, 10_000)).toBe('importing [######------------------]  25% 250,000/1,000,000 missions  25,000/s  ETA 0:30');
  });

  it('should show hours past one, and no ETA before anything is done', () => {
    expect(progressLine(1000, 10_000_000, 1000)).toContain('ETA 2:46:39');
    expect(progressLine(0, 10, 0)).toContain('ETA --:--');
  });

  it('should cap at 100% when the estimate was short (missions missing from the old index)', () => {
    expect(progressLine(120, 100, 1000)).toContain('[########################] 100% 120/100');
  });
});
