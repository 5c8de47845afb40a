import type { SweepTask } from '../../src/sweep/types.ts';

/** A sweep whose cell "bad" throws: for the error path of runSweep (in the caller's thread and in workers). */
export function failingTask(): SweepTask<{ id: string }, number> {
  return {
    name: 'failing',
    cells: () => [{ id: 'good' }, { id: 'bad' }],
    run: (cell, seed) => {
      if (cell.id === 'bad') throw new Error('cell exploded');
      return seed % 7;
    },
  };
}
