import { describe, expect, it } from 'vitest';
import { decodeNumber, decodeRequest, encodeAnswer, encodeNumber, parseRequest, readSeq } from '../../src/protocol/codec.ts';
import { AttnflowError } from '../../src/errors.ts';

const X2 = [[1, 0], [0, 1]];
const run = (extra: Record<string, unknown>) => ({ cmd: 'run', seq: 7, op: 'velocity', model: 'sa', beta: 1, X: X2, ...extra });

/** The AttnflowError decodeRequest throws on `obj` (fails the test if it does not throw one). */
function refusal(obj: unknown): AttnflowError {
  try {
    decodeRequest(obj);
  } catch (e) {
    if (e instanceof AttnflowError) return e;
    throw e;
  }
  throw new Error(`decodeRequest accepted ${JSON.stringify(obj)}`);
}

describe('protocol codec', () => {
  it('non-finite numbers travel as the strings "NaN", "Infinity", "-Infinity" in both directions', () => {
    expect(encodeNumber(NaN)).toBe('NaN');
    expect(encodeNumber(Infinity)).toBe('Infinity');
    expect(encodeNumber(-Infinity)).toBe('-Infinity');
    expect(encodeNumber(1.5)).toBe(1.5);
    expect(decodeNumber('NaN')).toBeNaN();
    expect(decodeNumber('Infinity')).toBe(Infinity);
    expect(decodeNumber('-Infinity')).toBe(-Infinity);
    expect(decodeNumber('1.5')).toBeUndefined();
    expect(encodeAnswer({ seq: 1, velocity: [[NaN, Infinity], [-Infinity, 0.25]] })).toBe(
      '{"seq":1,"velocity":[["NaN","Infinity"],["-Infinity",0.25]]}',
    );
  });

  it('encoded numbers read back to the same float64 (shortest round-trip form)', () => {
    const values = [0.1 + 0.2, 1 / 3, -Math.PI * 1e-300, 5e-324, Number.MAX_VALUE, -0.0];
    const line = encodeAnswer({ seq: 3, states: [[values]] });
    const back = (JSON.parse(line) as { states: number[][][] }).states[0][0];
    back.forEach((v, k) => expect(v, `entry ${k}`).toBe(values[k] === 0 ? 0 : values[k]));
  });

  it('decodes each request kind into typed fields, null and missing matrices as the identity', () => {
    expect(decodeRequest({ cmd: 'start', protocol: 1 })).toEqual({ cmd: 'start', protocol: 1 });
    expect(decodeRequest({ cmd: 'stop' })).toEqual({ cmd: 'stop' });
    const v = decodeRequest(run({ Q: null, V: [[2, 0], [0, 2]] }));
    expect(v.cmd === 'run' && v.op === 'velocity').toBe(true);
    if (v.cmd !== 'run' || v.op !== 'velocity') return;
    expect(v.Q).toBeNull();
    expect(v.K).toBeNull();
    expect(Array.from(v.V!.data)).toEqual([2, 0, 0, 2]);
    expect([v.X.rows, v.X.cols, v.seq, v.model, v.beta]).toEqual([2, 2, 7, 'sa', 1]);
    const f = decodeRequest(run({ op: 'flow', times: [0, 0.5, 0.5, 2] }));
    expect(f.cmd === 'run' && f.op === 'flow' && f.times).toEqual([0, 0.5, 0.5, 2]);
    const l = decodeRequest(run({ op: 'layer', h: 0.1, steps: 3 }));
    expect(l.cmd === 'run' && l.op === 'layer' && [l.h, l.steps]).toEqual([0.1, 3]);
    const e = decodeRequest({ cmd: 'run', seq: 10, op: 'energy', beta: 2, Q: null, K: null, X: X2 });
    expect(e.cmd === 'run' && e.op === 'energy' && e.beta).toBe(2);
  });

  it('ignores unknown extra fields (the protocol may grow optional fields)', () => {
    expect(() => decodeRequest(run({ comment: 'hello', extra: [1, 2] }))).not.toThrow();
  });

  const cases: [string, unknown, RegExp][] = [
    ['a non-object', [1, 2], /^request: .*Fix: /],
    ['a missing cmd', { seq: 1 }, /^cmd: is missing\. Fix: /],
    ['an unknown cmd', { cmd: 'go' }, /^cmd: unknown command "go"\. Fix: /],
    ['a start without protocol', { cmd: 'start' }, /^protocol: /],
    ['a missing seq', { cmd: 'run', op: 'velocity' }, /^seq: is missing/],
    ['a fractional seq', run({ seq: 1.5 }), /^seq: expected an integer, got 1\.5/],
    ['a string seq', run({ seq: '7' }), /^seq: expected an integer/],
    ['an unknown op', run({ op: 'jacobian' }), /^op: unknown op "jacobian"\. Fix: use one of "velocity", "flow", "layer", "energy"/],
    ['a missing op', run({ op: undefined }), /^op: is missing/],
    ['an unknown model', run({ model: 'linear' }), /^model: unknown model "linear"\. Fix: use "sa" or "usa"/],
    ['a missing model', run({ model: undefined }), /^model: is missing/],
    ['beta = "Infinity"', run({ beta: 'Infinity' }), /^beta: expected a finite number, got "Infinity"/],
    ['beta = "NaN"', run({ beta: 'NaN' }), /^beta: expected a finite number/],
    ['a negative beta', run({ beta: -1 }), /^beta: must be >= 0, got -1/],
    ['a string beta', run({ beta: '1' }), /^beta: expected a finite number/],
    ['a missing X', run({ X: undefined }), /^X: is missing/],
    ['an empty X', run({ X: [] }), /^X: expected a non-empty array of rows/],
    ['an empty row', run({ X: [[]] }), /^X\[0\]: expected a non-empty array/],
    ['a ragged X', run({ X: [[1, 0], [1]] }), /^X\[1\]: expected 2 entries like row 0/],
    ['a non-finite token entry', run({ X: [[1, 0], ['NaN', 1]] }), /^X\[1\]\[0\]: expected a finite number, got NaN/],
    ['a string token entry', run({ X: [[1, 0], ['a', 1]] }), /^X\[1\]\[0\]: expected a number/],
    ['a non-unit token', run({ X: [[1, 0], [0, 2]] }), /^X\[1\]: has norm 2.*Fix: divide each token by its Euclidean norm/],
    ['a Q of the wrong shape', run({ Q: [[1, 0, 0], [0, 1, 0]] }), /^Q: is 2 x 3 but the tokens have d = 2\. Fix: pass a 2 x 2 matrix/],
    ['a K with too few rows', run({ K: [[1, 0]] }), /^K: is 1 x 2/],
    ['a ragged V', run({ V: [[1, 0], [0]] }), /^V\[1\]: expected 2 entries/],
    ['a non-finite V entry', run({ V: [[1, 0], [0, 'Infinity']] }), /^V\[1\]\[1\]: expected a finite number, got Infinity/],
    ['decreasing times', run({ op: 'flow', times: [1, 0.5] }), /^times\[1\]: 0\.5 comes after the larger time 1/],
    ['a negative time', run({ op: 'flow', times: [-1] }), /^times\[0\]: expected a finite time >= 0/],
    ['an infinite time', run({ op: 'flow', times: [0, 'Infinity'] }), /^times\[1\]: expected a finite time >= 0/],
    ['missing times', run({ op: 'flow' }), /^times: expected an array/],
    ['h = 0', run({ op: 'layer', h: 0, steps: 1 }), /^h: expected a finite step size > 0, got 0/],
    ['a negative h', run({ op: 'layer', h: -0.1, steps: 1 }), /^h: /],
    ['steps = 0', run({ op: 'layer', h: 0.1, steps: 0 }), /^steps: expected a positive integer, got 0/],
    ['fractional steps', run({ op: 'layer', h: 0.1, steps: 2.5 }), /^steps: expected a positive integer/],
    ['a negative rtol', run({ op: 'flow', times: [1], rtol: -1 }), /^rtol: /],
  ];
  for (const [what, obj, message] of cases) {
    it(`refuses ${what} with an AttnflowError naming the field and the fix`, () => {
      const e = refusal(obj);
      expect(e.message).toMatch(message);
      expect(e.message).toMatch(/Fix: /);
    });
  }

  it('parseRequest never throws and keeps the seq of a request malformed elsewhere', () => {
    const bad = parseRequest('{"cmd":"run","seq":12,"op":"velocity","model":"sa","beta":-2,"X":[[1]]}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.seq).toBe(12);
      expect(bad.error.field).toBe('beta');
    }
    const garbage = parseRequest('{"cmd": run');
    expect(garbage.ok).toBe(false);
    if (!garbage.ok) {
      expect(garbage.seq).toBeNull();
      expect(garbage.error.message).toMatch(/^line: is not valid JSON/);
    }
    expect(readSeq({ seq: 'x' })).toBeNull();
    expect(readSeq([1])).toBeNull();
  });
});
