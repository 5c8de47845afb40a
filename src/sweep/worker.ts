import { parentPort, workerData } from 'node:worker_threads';
import type { SweepCell, SweepTask, TaskRef } from './types.ts';

/**
 * Worker thread of {@link runSweep}: rebuilds the task from its {@link TaskRef}, then answers
 * `{ k, cell, seed }` messages with `{ k, result }` (or `{ k, error }`) until closed.
 */
const ref = workerData as TaskRef;
const mod = (await import(ref.module)) as Record<string, (args: unknown) => SweepTask>;
const task = mod[ref.factory](ref.args);
parentPort?.on('message', async (msg: { k: number; cell: SweepCell; seed: number }) => {
  try {
    parentPort?.postMessage({ k: msg.k, result: await task.run(msg.cell, msg.seed) });
  } catch (e) {
    parentPort?.postMessage({ k: msg.k, error: (e as Error)?.stack ?? String(e) });
  }
});
parentPort?.postMessage({ ready: true });
