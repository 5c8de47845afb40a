// The Python harness (examples/python/attnflow_harness.py) driven over its stdin/stdout, line by line,
// as attnflow drives it: every protocol path, every error mapping, with and without numpy, and torch.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HAVE_NUMPY } from '../adapters/pythonAvailable.ts';
import { reportMissingTorch, TORCH_PYTHON } from './torchAvailable.ts';

const HARNESS_DIR = join(import.meta.dirname, '../../examples/python');

interface Conversation {
  /** Every stdout line, parsed (a line that is not JSON fails the test: stdout is protocol only). */
  answers: Record<string, unknown>[];
  stderr: string;
  status: number | null;
}

/**
 * Runs `body` (Python that ends by calling serve) with the harness importable, feeds it the request
 * lines and returns what came back. `noNumpy` hides numpy from the interpreter (the lists path).
 */
function converse(body: string, lines: (object | string)[], opts: { python?: string; noNumpy?: boolean; args?: string[] } = {}): Conversation {
  const prelude = [
    'import sys',
    ...(opts.noNumpy ? ["sys.modules['numpy'] = None"] : []),
    `sys.path.insert(0, ${JSON.stringify(HARNESS_DIR)})`,
    'from attnflow_harness import serve, Refused',
  ].join('\n');
  const input = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
  const r = spawnSync(opts.python ?? 'python3', ['-c', `${prelude}\n${body}`, ...(opts.args ?? [])], { input, encoding: 'utf8', timeout: 30_000 });
  const out = r.stdout.split('\n').filter((l) => l !== '');
  const answers = out.map((l) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      throw new Error(`stdout carried a line that is not JSON: ${JSON.stringify(l)}\nstderr:\n${r.stderr}`);
    }
  });
  return { answers, stderr: r.stderr, status: r.status };
}

const START = { cmd: 'start', protocol: 1 };
const STOP = { cmd: 'stop' };
const X2 = [[1, 0], [0, 1]];
const run = (seq: number, op: string, extra: object = {}) => ({ cmd: 'run', seq, op, model: 'sa', beta: 1, Q: null, K: null, V: null, X: X2, ...extra });

// A correct numpy velocity (eq. 2.3) and energy, the shape of what a user writes.
const NUMPY_FNS = `
import numpy as np
def velocity(req):
    S = req.beta * (req.X @ req.Q.T) @ (req.X @ req.K.T).T
    W = np.exp(S - S.max(axis=1, keepdims=True))
    W = W / W.sum(axis=1, keepdims=True) if req.model == "sa" else np.exp(S) / req.n
    A = W @ (req.X @ req.V.T)
    return A - np.sum(A * req.X, axis=1, keepdims=True) * req.X
def energy(req):
    S = (req.X @ req.Q.T) @ (req.X @ req.K.T).T
    return np.exp(req.beta * S).sum() / (2 * req.beta * req.n ** 2)
`;

describe.skipIf(!HAVE_NUMPY)('attnflow_harness with numpy', () => {
  test('the handshake names the implementation and announces only the ops given, the models and batch', () => {
    const c = converse(`${NUMPY_FNS}\nserve(velocity=velocity, energy=energy, name="my-impl", version="0.3", language="python", models=("sa",))`, [START, STOP]);
    expect(c.answers).toEqual([{ ready: true, protocol: 1, implementation: { name: 'my-impl', version: '0.3', language: 'python' }, supports: { ops: ['velocity', 'energy'], models: ['sa'], batch: true } }]);
    expect(c.status).toBe(0);
  });

  test('requests arrive as float64 arrays with the identity filled in for null, and the answer carries the seq', () => {
    const body = `
import numpy as np
def velocity(req):
    assert isinstance(req.X, np.ndarray) and req.X.dtype == np.float64, type(req.X)
    assert (req.Q == np.eye(2)).all() and (req.K == np.eye(2)).all(), (req.Q, req.K)
    assert (req.n, req.d, req.model, req.beta, req.op, req.seq) == (2, 2, "usa", 0.5, "velocity", 41), req
    return req.X @ req.V.T
serve(velocity=velocity)`;
    const c = converse(body, [START, run(41, 'velocity', { model: 'usa', beta: 0.5, V: [[0, 2], [3, 0]] })]);
    expect(c.answers[1]).toEqual({ seq: 41, velocity: [[0, 3], [2, 0]] });
    expect(c.status).toBe(0);
  });

  test('flow gets times, layer gets h and steps; a list of arrays and a 3-d array both become a list of states', () => {
    const body = `
import numpy as np
def flow(req):
    return [req.X * t for t in req.times]
def layer(req):
    return np.stack([req.X * req.h * (k + 1) for k in range(req.steps)])
serve(flow=flow, layer=layer)`;
    const c = converse(body, [START, run(1, 'flow', { times: [0.5, 2] }), run(2, 'layer', { h: 0.25, steps: 2 }), run(3, 'velocity')]);
    expect(c.answers[1]).toEqual({ seq: 1, states: [[[0.5, 0], [0, 0.5]], [[2, 0], [0, 2]]] });
    expect(c.answers[2]).toEqual({ seq: 2, states: [[[0.25, 0], [0, 0.25]], [[0.5, 0], [0, 0.5]]] });
    expect(c.answers[3]).toMatchObject({ seq: 3, error: { kind: 'not-supported' } });
    expect(c.answers[0].supports).toMatchObject({ ops: ['flow', 'layer'] });
  });

  test('every error path maps to its kind and the loop answers the next request', () => {
    const body = `
def velocity(req):
    b = req.beta
    if b == 1: raise NotImplementedError("no beta = 1 here")
    if b == 2: raise ValueError("beta = 2 is refused")
    if b == 3: return 1 / 0
    if b == 4: raise Refused("invalid-request", "custom refusal")
    if b == 5: return None
    if b == 6: return [["x"]]
    return req.X
serve(velocity=velocity, energy=lambda req: 1.0, models=("sa",))`;
    const c = converse(body, [
      START,
      run(1, 'velocity', { beta: 1 }),
      run(2, 'velocity', { beta: 2 }),
      run(3, 'velocity', { beta: 3 }),
      run(4, 'velocity', { beta: 4 }),
      run(5, 'velocity', { beta: 5 }),
      run(6, 'velocity', { beta: 6 }),
      run(7, 'flow', { times: [1] }),
      run(8, 'velocity', { model: 'usa' }),
      run(9, 'velocity', { X: [[1, 0], [0]] }),
      run(10, 'velocity', { Q: [[1]] }),
      run(11, 'velocity', { beta: 'abc' }),
      { cmd: 'run', seq: 12, op: 'energy', beta: 0, X: X2 },
      'this is not JSON',
      { cmd: 'frobnicate', seq: 13 },
      run(14, 'velocity', { beta: 9 }),
      STOP,
    ]);
    const errors = c.answers.slice(1).map((a) => [a.seq, (a.error as { kind: string } | undefined)?.kind]);
    expect(errors).toEqual([
      [1, 'not-supported'], [2, 'invalid-request'], [3, 'internal'], [4, 'invalid-request'], [5, 'internal'], [6, 'internal'],
      [7, 'not-supported'], [8, 'not-supported'], [9, 'invalid-request'], [10, 'invalid-request'], [11, 'invalid-request'],
      [12, 'invalid-request'], [null, 'invalid-request'], [13, 'not-supported'], [14, undefined],
    ]);
    const msg = (seq: number) => (c.answers.find((a) => a.seq === seq)!.error as { message: string }).message;
    expect(msg(1)).toBe('no beta = 1 here');
    expect(msg(2)).toContain('ValueError: beta = 2 is refused');
    expect(msg(3)).toMatch(/^ZeroDivisionError: division by zero \(at <string>:\d+ in velocity\)$/);
    expect(msg(5)).toContain('velocity returned None');
    expect(msg(8)).toContain("model 'usa' is not supported");
    expect(msg(9)).toContain('X must be');
    expect(msg(10)).toBe('Q must be 2 x 2 (d = 2), got 1 x 1');
    expect(msg(11)).toContain('beta must be a number');
    expect(msg(12)).toContain('energy needs beta > 0');
    expect(c.answers[15]).toEqual({ seq: 14, velocity: X2 });
    // The internal error's traceback is on stderr, naming the user's line.
    expect(c.stderr).toMatch(/internal error in velocity \(seq 3\):\nTraceback[\s\S]*ZeroDivisionError: division by zero/);
    expect(c.status).toBe(0);
  });

  test('a batch line is answered by one line of answers, each what the run alone would have produced', () => {
    const runs = [
      run(1, 'velocity', { beta: 2, X: [[1, 0], [0.6, 0.8], [0, -1]] }),
      { cmd: 'run', seq: 2, op: 'energy', beta: 2, Q: null, K: null, X: [[1, 0], [0, 1]] },
      run(3, 'flow', { times: [1] }),
      run(4, 'velocity', { Q: [[1]] }),
    ];
    const body = `${NUMPY_FNS}\nserve(velocity=velocity, energy=energy)`;
    const batched = converse(body, [START, { cmd: 'batch', runs }, STOP]);
    const single = converse(body, [START, ...runs, STOP]);
    expect(batched.answers.length).toBe(2);
    expect(batched.answers[1]).toEqual({ answers: single.answers.slice(1) });
    expect((single.answers[2] as { energy: number }).energy).toBeCloseTo((2 * Math.exp(2) + 2) / 16, 14);
    expect(single.answers.map((a) => (a.error as { kind: string } | undefined)?.kind)).toEqual([undefined, undefined, undefined, 'not-supported', 'invalid-request']);
    // batch=False: not announced, and a batch line is refused rather than answered.
    const off = converse(`${NUMPY_FNS}\nserve(velocity=velocity, batch=False)`, [START, { cmd: 'batch', runs }]);
    expect(off.answers[0].supports).toEqual({ ops: ['velocity'], models: ['sa', 'usa'] });
    expect(off.answers[1]).toMatchObject({ error: { kind: 'not-supported' } });
  });

  test('non-finite numbers travel as "NaN", "Infinity", "-Infinity" in both directions', () => {
    const body = `
import math
import numpy as np
def velocity(req):
    assert math.isnan(req.X[0, 0]) and req.X[0, 1] == math.inf and req.X[1, 0] == -math.inf, req.X
    return np.array([[np.nan, np.inf], [-np.inf, 1.5]])
def flow(req):
    assert req.times == [math.inf], req.times
    return [[[math.nan, 1.0]]]
serve(velocity=velocity, flow=flow, energy=lambda req: float("inf"))`;
    const c = converse(body, [
      START,
      run(1, 'velocity', { X: [['NaN', 'Infinity'], ['-Infinity', 0]] }),
      run(2, 'flow', { times: ['Infinity'] }),
      { cmd: 'run', seq: 3, op: 'energy', beta: 1, X: X2 },
    ]);
    expect(c.answers.slice(1)).toEqual([
      { seq: 1, velocity: [['NaN', 'Infinity'], ['-Infinity', 1.5]] },
      { seq: 2, states: [[['NaN', 1]]] },
      { seq: 3, energy: 'Infinity' },
    ]);
  });

  test("a user's print, and bytes written straight to file descriptor 1, go to stderr and leave stdout protocol-only", () => {
    const body = `
import os
def velocity(req):
    print("debug: computing", req.n, "tokens")
    os.write(1, b"raw bytes on fd 1\\n")
    return req.X
serve(velocity=velocity)`;
    const c = converse(body, [START, run(1, 'velocity'), run(2, 'velocity')]);
    expect(c.answers).toHaveLength(3); // converse fails on any non-JSON stdout line
    expect(c.answers[2]).toEqual({ seq: 2, velocity: X2 });
    expect(c.stderr.match(/debug: computing 2 tokens/g)).toHaveLength(2);
    expect(c.stderr).toContain('raw bytes on fd 1');
  });

  test('stop exits 0 without answering what follows; end of input exits 0; blank lines are ignored', () => {
    const body = `serve(velocity=lambda req: req.X)`;
    const stopped = converse(body, [START, '', STOP, run(1, 'velocity')]);
    expect(stopped.answers).toHaveLength(1);
    expect(stopped.status).toBe(0);
    const eof = converse(body, [START, run(1, 'velocity')]);
    expect(eof.answers).toHaveLength(2);
    expect(eof.status).toBe(0);
  });

  test("the harness leaves sys.argv to the user's script, and a SystemExit from user code still ends the process", () => {
    const body = `
import argparse
p = argparse.ArgumentParser()
p.add_argument("--scale", type=float, default=1.0)
args = p.parse_args()
def velocity(req):
    if req.beta == 3: sys.exit(5)
    return req.X * args.scale
serve(velocity=velocity)`;
    const c = converse(body, [START, run(1, 'velocity'), run(2, 'velocity', { beta: 3 }), run(3, 'velocity')], { args: ['--scale', '2'] });
    expect(c.answers.slice(1)).toEqual([{ seq: 1, velocity: [[2, 0], [0, 2]] }]);
    expect(c.status).toBe(5);
  });

  test('wire_hook sees each answer and may rewrite it or replace the line (how attnflow tests its own fault handling)', () => {
    const body = `
def hook(raw, ans):
    if raw["seq"] == 1: return "not JSON at all"
    return {**ans, "seq": ans["seq"] + 100}
serve(velocity=lambda req: req.X, wire_hook=hook)`;
    const r = spawnSync('python3', ['-c', `import sys\nsys.path.insert(0, ${JSON.stringify(HARNESS_DIR)})\nfrom attnflow_harness import serve\n${body}`], {
      input: [START, run(1, 'velocity'), run(2, 'velocity')].map((l) => JSON.stringify(l)).join('\n') + '\n',
      encoding: 'utf8',
    });
    const [, raw, rewritten] = r.stdout.split('\n');
    expect(raw).toBe('not JSON at all');
    expect(JSON.parse(rewritten)).toEqual({ seq: 102, velocity: X2 });
  });

  test('ATTNFLOW_HARNESS_STATS appends where the time went: runs answered, seconds in user code and in the harness', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attnflow-harness-'));
    try {
      const file = join(dir, 'stats.jsonl');
      const body = `
import time
def velocity(req):
    time.sleep(0.05)
    return req.X
serve(velocity=velocity, name="timed")`;
      const r = spawnSync('python3', ['-c', `import sys\nsys.path.insert(0, ${JSON.stringify(HARNESS_DIR)})\nfrom attnflow_harness import serve\n${body}`], {
        input: [START, run(1, 'velocity'), { cmd: 'batch', runs: [run(2, 'velocity'), run(3, 'velocity')] }, STOP].map((l) => JSON.stringify(l)).join('\n') + '\n',
        encoding: 'utf8',
        env: { ...process.env, ATTNFLOW_HARNESS_STATS: file },
      });
      expect(r.status, r.stderr).toBe(0);
      const stats = JSON.parse(readFileSync(file, 'utf8'));
      expect(stats).toMatchObject({ name: 'timed', lines: 3, runs: 3 });
      expect(stats.user_s).toBeGreaterThanOrEqual(0.15);
      expect(stats.harness_s).toBeGreaterThanOrEqual(0);
      expect(stats.wall_s).toBeGreaterThanOrEqual(stats.user_s + stats.harness_s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad arguments to serve fail at once with a message naming the argument', () => {
    const c = converse('serve(velocity=lambda r: r.X, models=("sa", "softmax"))', [START]);
    expect(c.status).toBe(1);
    expect(c.stderr).toContain('serve(models=...) must list "sa" and/or "usa"');
    expect(c.answers).toEqual([]);
  });
});

describe('attnflow_harness without numpy (standard library only)', () => {
  test('requests arrive as nested lists of floats, identity filled in, non-finite decoded; lists come back encoded', () => {
    const body = `
import math
def velocity(req):
    assert "numpy" not in str(type(req.X)), type(req.X)
    assert req.Q == [[1.0, 0.0], [0.0, 1.0]], req.Q
    assert math.isnan(req.X[1][1]), req.X
    return [[x * 2 for x in row] for row in req.V]
serve(velocity=velocity, energy=lambda req: math.nan)`;
    const c = converse(body, [
      START,
      run(1, 'velocity', { X: [[1, 0], [0, 'NaN']], V: [[1, 'Infinity'], [0, 1]] }),
      run(2, 'velocity', { X: [[1, 0], [0]] }),
      { cmd: 'batch', runs: [{ cmd: 'run', seq: 3, op: 'energy', beta: 1, X: X2 }] },
    ], { noNumpy: true });
    expect(c.answers.slice(1)).toEqual([
      { seq: 1, velocity: [[2, 'Infinity'], [0, 2]] },
      { seq: 2, error: { kind: 'invalid-request', message: 'X must have rows of one common, non-zero length' } },
      { answers: [{ seq: 3, energy: 'NaN' }] },
    ]);
  });
});

describe.skipIf(!TORCH_PYTHON)('attnflow_harness with torch tensors', () => {
  test('torch results (float32, requires_grad, 0-d energy) are encoded, and arrays="torch" hands in float64 tensors', () => {
    const body = `
import torch
def velocity(req):
    assert isinstance(req.X, torch.Tensor) and req.X.dtype == torch.float64, (type(req.X), getattr(req.X, "dtype", None))
    w = torch.ones(req.d, dtype=torch.float32, requires_grad=True)
    return (req.X.float() * w) / 2
def layer(req):
    return [req.X * 0 + float("nan")] * req.steps
serve(velocity=velocity, layer=layer, energy=lambda req: torch.tensor(req.beta, dtype=torch.float64).exp(), arrays="torch")`;
    const c = converse(body, [
      START,
      run(1, 'velocity'),
      run(2, 'layer', { h: 0.1, steps: 2, X: [[1]] }),
      { cmd: 'run', seq: 3, op: 'energy', beta: 2, X: X2 },
    ], { python: TORCH_PYTHON! });
    expect(c.answers.slice(1)).toEqual([
      { seq: 1, velocity: [[0.5, 0], [0, 0.5]] },
      { seq: 2, states: [[['NaN']], [['NaN']]] },
      { seq: 3, energy: expect.closeTo(Math.exp(2), 13) },
    ]);
  }, 30_000);
});
reportMissingTorch('attnflow_harness with torch tensors');
