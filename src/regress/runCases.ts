import { clusters } from '../analysis/clusters.ts';
import { gammaBeta, tStar } from '../analysis/equiangular.ts';
import type { Implementation, Op, SystemRequest } from '../adapters/implementation.ts';
import { certifyOneCluster } from '../certificates/certifyOneCluster.ts';
import { AttnflowError } from '../errors.ts';
import type { Mat, Tokens } from '../linalg/mat.ts';
import { toRows } from '../linalg/mat.ts';
import { ginibre } from '../random/matrices.ts';
import { Rng, deriveSeed, hashString } from '../random/rng.ts';
import { orthogonalStart, uniformSphere } from '../random/sphere.ts';
import type { RegressCase } from './cases.ts';
import { REFERENCE_ONLY } from './cases.ts';

/** A recorded value: numbers, verdicts, and arrays / objects of them (plain JSON). */
export type RegressValue = number | boolean | RegressValue[] | { [k: string]: RegressValue };

/** The outcome of one case: its value, or why it was not run. */
export type CaseOutcome = { readonly value: RegressValue; readonly inputHash: string } | { readonly skipped: string };

/** The inputs a case rebuilds from its seed. */
export interface CaseInputs {
  readonly X: Tokens;
  readonly Q: Mat | null;
  readonly K: Mat | null;
  readonly V: Mat | null;
}

/** Rebuilds a case's start and matrices (Ginibre entries scaled by 1/sqrt(d) so scores stay O(1)). */
export function caseInputs(c: RegressCase): CaseInputs {
  const X = c.kind === 'equiangular' ? orthogonalStart(c.n, c.d) : uniformSphere(c.n, c.d, new Rng(deriveSeed(c.seed, 'X')));
  if (c.matrices === 'identity') return { X, Q: null, K: null, V: null };
  const rng = new Rng(deriveSeed(c.seed, 'QKV'));
  const scaled = () => {
    const m = ginibre(c.d, c.d, rng);
    for (let k = 0; k < m.data.length; k++) m.data[k] /= Math.sqrt(c.d);
    return m;
  };
  return { X, Q: scaled(), K: scaled(), V: scaled() };
}

/** A short fingerprint of the inputs, so a report can tell "the inputs changed" from "the outputs moved". */
export function inputHash(inp: CaseInputs): string {
  const parts = [inp.X, inp.Q, inp.K, inp.V].map((m) => (m ? Array.from(m.data, (v) => v.toString(36)).join(',') : '-'));
  return hashString(parts.join('|')).toString(16).padStart(8, '0');
}

/**
 * Runs one case against `impl`. Cases of a kind the implementation lacks (an op it does not announce,
 * or a {@link REFERENCE_ONLY} kind when `reference` is false) come back skipped with the reason.
 */
export async function runCase(c: RegressCase, impl: Implementation, reference: boolean): Promise<CaseOutcome> {
  if (REFERENCE_ONLY.has(c.kind) && !reference) return { skipped: `${c.kind} uses attnflow internals (reference only)` };
  if (!impl.models.includes(c.model)) return { skipped: `model ${c.model} not supported` };
  const inp = caseInputs(c);
  const hash = inputHash(inp);
  const req: SystemRequest = { model: c.model, beta: c.beta, Q: inp.Q, K: inp.K, V: inp.V, X: inp.X };
  const need = (op: Op) => {
    if (typeof impl[op] !== 'function') throw new SkipCase(`op ${op} not supported`);
  };
  try {
    switch (c.kind) {
      case 'velocity':
        need('velocity');
        return { value: toRows(await impl.velocity!(req)), inputHash: hash };
      case 'layer': {
        need('layer');
        const out = await impl.layer!({ ...req, h: c.h as number, steps: c.steps as number });
        return { value: toRows(out[out.length - 1]), inputHash: hash };
      }
      case 'flow': {
        need('flow');
        const out = await impl.flow!({ ...req, times: c.times as number[] });
        return { value: toRows(out[out.length - 1]), inputHash: hash };
      }
      case 'energy':
        need('energy');
        return { value: await impl.energy!({ beta: c.beta, Q: inp.Q, K: inp.K, X: inp.X }), inputHash: hash };
      case 'clusters': {
        need('flow');
        const out = await impl.flow!({ ...req, times: c.times as number[] });
        return { value: out.map((X) => clusters(X, { delta: 1e-4 }).count), inputHash: hash };
      }
      case 'oneClusterTime': {
        // Long horizon: the first grid time at which the Fig. 4 count (Gram > 0.9999) reaches 1, or -1.
        need('flow');
        const times = c.times as number[];
        const out = await impl.flow!({ ...req, times });
        const k = out.findIndex((X) => clusters(X, { delta: 1e-4 }).count === 1);
        return { value: k < 0 ? -1 : times[k], inputHash: hash };
      }
      case 'equiangular': {
        // Thm 6.8: from an orthogonal start every off-diagonal Gram entry follows gamma_beta; record their mean.
        need('flow');
        const out = await impl.flow!({ ...req, times: c.times as number[] });
        return { value: out.map((X) => meanOffDiagonal(X)), inputHash: hash };
      }
      case 'gammaBeta':
        return { value: Array.from(gammaBeta(c.model, c.n, c.beta, c.times as number[])), inputHash: hash };
      case 'tStar':
        return { value: tStar(c.model, c.n, c.beta, c.delta as number), inputHash: hash };
      case 'certificate': {
        const v = certifyOneCluster(inp.X, { model: c.model, beta: c.beta }, { h: 0.1, precision: 30 });
        return { value: { certified: v.certified, time: v.time }, inputHash: hash };
      }
    }
  } catch (e) {
    if (e instanceof SkipCase) return { skipped: e.message };
    throw e;
  }
  throw new AttnflowError('case.kind', `unknown kind ${JSON.stringify((c as RegressCase).kind)}`, 'use a kind listed in src/regress/cases.ts');
}

class SkipCase extends Error {}

function meanOffDiagonal(X: Tokens): number {
  const n = X.rows, d = X.cols;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let k = 0; k < d; k++) s += X.data[i * d + k] * X.data[j * d + k];
    }
  }
  return s / ((n * (n - 1)) / 2);
}
