import { describe, expect, test } from 'vitest';
import { ImplementationError } from '../../src/adapters/implementation.ts';
import type { SubprocessImplementation } from '../../src/adapters/subprocess.ts';
import { subprocessImplementation } from '../../src/adapters/subprocess.ts';
import { fromRows } from '../../src/linalg/mat.ts';
import type { SystemRequest } from '../../src/adapters/implementation.ts';
import { HAVE_NUMPY, pythonImpl } from './pythonAvailable.ts';

const REQ: SystemRequest = { model: 'sa', beta: 1, Q: null, K: null, V: null, X: fromRows([[1, 0], [0, 1]]) };
const ENERGY = { beta: 2, Q: null, K: null, X: REQ.X };

async function withImpl<T>(cmd: string, f: (impl: SubprocessImplementation) => Promise<T>, timeoutSeconds = 20): Promise<T> {
  const impl = await subprocessImplementation(cmd, { timeoutSeconds });
  try {
    return await f(impl);
  } finally {
    await impl.close();
  }
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    expect(e).toBeInstanceOf(ImplementationError);
    return (e as ImplementationError).kind;
  }
}

describe.skipIf(!HAVE_NUMPY)('subprocess adapter against the numpy example', () => {
  test('the handshake decides the ops and models, and a velocity answer is decoded to an n x d matrix', async () => {
    await withImpl(pythonImpl(), async (impl) => {
      expect(impl.name).toBe('numpy-example');
      expect(impl.models).toEqual(['sa', 'usa']);
      expect(impl.handshake.supports.batch).toBe(true);
      const v = await impl.velocity!(REQ);
      expect([v.rows, v.cols]).toEqual([2, 2]);
      expect(Math.abs(v.data[1] - 0.2689414213699951), 'vs 1e-15').toBeLessThan(1e-15);
    });
  });

  test('concurrent requests are coalesced into batch lines and each answer reaches its own caller', async () => {
    await withImpl(pythonImpl(), async (impl) => {
      const betas = Array.from({ length: 20 }, (_, k) => 0.1 * (k + 1));
      const es = await Promise.all(betas.map((beta) => impl.energy!({ ...ENERGY, beta })));
      expect(impl.client.stats.batches).toBeGreaterThanOrEqual(1);
      expect(impl.client.stats.batches).toBeLessThan(20);
      // E = (1/(2 beta n^2)) (2 e^beta + 2) for two orthogonal tokens.
      es.forEach((e, k) => expect(Math.abs(e - (2 * Math.exp(betas[k]) + 2) / (8 * betas[k])), 'vs 1e-13').toBeLessThan(1e-13));
      const many = await impl.runMany([{ op: 'velocity', req: REQ }, { op: 'energy', req: ENERGY }]);
      expect(typeof many[1]).toBe('number');
    });
  });

  test.concurrent.each([
    ['crash', 'crash'],
    ['hang', 'timeout'],
    ['garbage', 'garbage'],
    ['wrong-seq', 'garbage'],
    ['wrong-shape', 'shape'],
    ['nan', 'non-finite'],
    ['error', 'internal'],
  ])('fault %s fails only the request that met it (kind %s); the next request is answered', async (fault, kind) => {
    const op = fault === 'wrong-shape' || fault === 'nan' ? 'velocity' : 'energy';
    await withImpl(pythonImpl(`--no-batch --fault ${fault} --fault-op ${op}`), async (impl) => {
      const bad = op === 'velocity' ? impl.velocity!(REQ) : impl.energy!(ENERGY);
      expect(await kindOf(bad)).toBe(kind);
      const good = op === 'velocity' ? impl.layer!({ ...REQ, h: 0.1, steps: 1 }) : impl.velocity!(REQ);
      expect(await kindOf(good)).toBe('resolved');
      const transport = ['crash', 'hang', 'garbage', 'wrong-seq'].includes(fault);
      expect(impl.client.starts, 'restarted after a transport failure only').toBe(transport ? 2 : 1);
      if (fault === 'crash') {
        expect(impl.client.incidents[0].message).toContain('exited with status 3');
        expect(impl.client.incidents[0].stderr.join('\n')).toContain('simulated crash');
      }
    }, fault === 'hang' ? 3 : 20);
  }, 30_000);
});

describe('a command that cannot be checked', () => {
  test('a command that exits at once fails the handshake with kind crash and its exit status', async () => {
    const e = await subprocessImplementation('echo oops >&2; exit 7', { timeoutSeconds: 5 }).catch((x) => x);
    expect(e).toBeInstanceOf(ImplementationError);
    expect(e.kind).toBe('crash');
    expect(e.message).toContain('exited with status 7');
    expect(e.message).toContain('oops');
  });

  test('a command that prints something else than a handshake fails with kind garbage', async () => {
    const e = await subprocessImplementation('echo hello; cat >/dev/null', { timeoutSeconds: 5 }).catch((x) => x);
    expect(e.kind).toBe('garbage');
    expect(e.message).toContain('"hello"');
  });

  test('a command that never answers the handshake fails with kind timeout', async () => {
    const e = await subprocessImplementation('sleep 30', { timeoutSeconds: 0.5, startTimeoutSeconds: 0.5 }).catch((x) => x);
    expect(e.kind).toBe('timeout');
  });

  test('a hung batch line is given twice the per-answer timeout, whatever its size, and the first batch holds at most 4 runs', async () => {
    await withImpl(pythonImpl('--fault hang --fault-op energy'), async (impl) => {
      const all = await Promise.all(Array.from({ length: 12 }, (_, k) => kindOf(impl.energy!({ ...ENERGY, beta: 1 + k }))));
      expect(all[0]).toBe('timeout');
      const first = impl.client.incidents.find((i) => i.kind === 'timeout')!;
      expect(first.message).toMatch(/^no answer to a batch of [234] runs within 2 s \(twice the per-answer --timeout\)$/);
    }, 1);
  }, 60_000);
});
