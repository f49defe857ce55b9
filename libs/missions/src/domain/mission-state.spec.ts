import { describe, expect, it } from '@jest/globals';
import { allowedSources, isTerminal, transitionAllowed } from './mission-state.js';
import { MISSION_STATUSES } from './mission.types.js';

describe('mission-state', () => {
  describe(transitionAllowed.name, () => {
    it.each([
      ['PENDING', 'RUNNING'],
      ['PENDING', 'CANCELLED'],
      ['RUNNING', 'COMPLETED'],
      ['RUNNING', 'FAILED'],
      ['RUNNING', 'CANCELLED'],
    ] as const)('should allow %s -> %s', (from, to) => {
      expect(transitionAllowed(from, to)).toBe(true);
    });

    it('should allow exactly the five contract moves and nothing else', () => {
      const legal = MISSION_STATUSES.flatMap((from) =>
        MISSION_STATUSES.filter((to) => transitionAllowed(from, to)).map((to) => `${from}->${to}`),
      );
      expect(legal.sort()).toEqual(
        ['PENDING->CANCELLED', 'PENDING->RUNNING', 'RUNNING->CANCELLED', 'RUNNING->COMPLETED', 'RUNNING->FAILED'],
      );
    });

    it('should refuse a move to the same status (that is a no-op, handled elsewhere)', () => {
      for (const s of MISSION_STATUSES) expect(transitionAllowed(s, s)).toBe(false);
    });
  });

  describe(allowedSources.name, () => {
    it('should list every status a target can be reached from', () => {
      expect(allowedSources('CANCELLED')).toEqual(['PENDING', 'RUNNING']);
      expect(allowedSources('RUNNING')).toEqual(['PENDING']);
      expect(allowedSources('PENDING')).toEqual([]);
    });
  });

  describe(isTerminal.name, () => {
    it('should mark only COMPLETED, FAILED and CANCELLED terminal', () => {
      expect(MISSION_STATUSES.filter(isTerminal)).toEqual(['COMPLETED', 'FAILED', 'CANCELLED']);
    });
  });
});
