import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from '../../src/linalg/mat.ts';
import { layer } from '../../src/models/layer.ts';
import { velocity } from '../../src/models/velocity.ts';
import { encodeAnswer } from '../../src/protocol/codec.ts';
import { handleLine, handleRequest, handshakeAnswer } from '../../src/protocol/server.ts';
import { HANDSHAKE_LINE } from './handshake.ts';


const X2 = [[1, 0], [0, 1]];
const run = (extra: Record<string, unknown>) => ({ cmd: 'run', seq: 7, op: 'velocity', model: 'sa', beta: 1, X: X2, ...extra });

describe('protocol server (in process)', () => {
  it('answers the handshake with the pinned line, byte for byte', () => {
    expect(encodeAnswer(handshakeAnswer())).toBe(HANDSHAKE_LINE);
    expect(handleLine('{"cmd":"start","protocol":1}')).toEqual({ answer: HANDSHAKE_LINE, stop: false });
  });

  it('answers op velocity with the reference velocity of eq. (2.3), seq echoed', () => {
    const X = [[1, 0, 0], [0.6, 0.8, 0], [0, 0, 1]];
    const V = [[1, 2, 0], [0, 1, 0], [0.5, 0, -1]];
    const a = handleRequest(run({ seq: 41, model: 'usa', beta: 2.5, X, V })) as { seq: number; velocity: number[][] };
    expect(a.seq).toBe(41);
    expect(a.velocity).toEqual(toRows(velocity(fromRows(X), { model: 'usa', beta: 2.5, V: fromRows(V) })));
  });

  it('answers op layer with the Post-LN iterates X_1..X_steps', () => {
    const a = handleRequest(run({ op: 'layer', h: 0.1, steps: 3 })) as { seq: number; states: number[][][] };
    expect(a.states).toEqual(layer(fromRows(X2), { beta: 1 }, 0.1, 3).map(toRows));
  });

  it('answers op flow: two SA tokens at beta = 0 follow tan(phi/2) = tan(phi_0/2) e^{-t}', () => {
    const phi0 = 2.5;
    const X = [[1, 0], [Math.cos(phi0), Math.sin(phi0)]];
    const times = [0, 0.5, 1, 3];
    const a = handleRequest(run({ op: 'flow', beta: 0, X, times })) as { seq: number; states: number[][][] };
    expect(a.states).toHaveLength(times.length);
    expect(a.states[0]).toEqual(X);
    const tol = 1e-10;
    times.forEach((t, k) => {
      const [x, y] = a.states[k];
      const phi = Math.acos(Math.min(1, x[0] * y[0] + x[1] * y[1]));
      const exact = 2 * Math.atan(Math.tan(phi0 / 2) * Math.exp(-t));
      const err = Math.abs(phi - exact);
      expect(err, `t = ${t}: err ${err} vs tol ${tol}`).toBeLessThan(tol);
    });
  });

  it('answers op energy with (1/(2 beta n^2)) sum_ij exp(beta <x_i, x_j>) (Remark 3.8)', () => {
    const a = handleRequest({ cmd: 'run', seq: 10, op: 'energy', beta: 2, Q: null, K: null, X: X2 }) as { seq: number; energy: number };
    const exact = (2 * Math.exp(2) + 2) / (2 * 2 * 4);
    const tol = 1e-15;
    expect(Math.abs(a.energy - exact) / exact, `rel err vs tol ${tol}`).toBeLessThan(tol);
    expect(a.seq).toBe(10);
  });

  it('answers a malformed request with invalid-request naming the field, keeping its seq', () => {
    expect(handleRequest(run({ seq: 5, beta: -1 }))).toEqual({
      seq: 5,
      error: { kind: 'invalid-request', message: expect.stringMatching(/^beta: must be >= 0.*Fix: /) },
    });
    expect(handleRequest({ seq: 'x', cmd: 'run' })).toMatchObject({ seq: null, error: { kind: 'invalid-request' } });
    expect(handleLine('not json').answer).toMatch(/^\{"seq":null,"error":\{"kind":"invalid-request","message":"line: is not valid JSON/);
  });

  it('answers a USA overflow (AttnflowError kind not-finite) with invalid-request and the message', () => {
    const X = [[1, 0], [Math.cos(0.1), Math.sin(0.1)]];
    const a = handleRequest(run({ seq: 9, model: 'usa', beta: 1000, X }));
    expect(a).toMatchObject({ seq: 9, error: { kind: 'invalid-request', message: expect.stringMatching(/^beta: .*not a finite float64.*Fix: /) } });
  });

  it('answers energy at beta = 0 with invalid-request (the protocol defines it for beta > 0)', () => {
    const a = handleRequest({ cmd: 'run', seq: 11, op: 'energy', beta: 0, X: X2 });
    expect(a).toMatchObject({ seq: 11, error: { kind: 'invalid-request', message: expect.stringMatching(/beta.*Fix: /) } });
  });

  it('refuses another protocol version with not-supported', () => {
    expect(handleRequest({ cmd: 'start', protocol: 2 })).toMatchObject({ seq: null, error: { kind: 'not-supported' } });
  });

  it('turns an unexpected exception into kind internal instead of throwing', () => {
    const hostile = { get cmd(): string { throw new TypeError('boom'); } };
    expect(handleRequest(hostile)).toMatchObject({ seq: null, error: { kind: 'internal', message: expect.stringMatching(/boom/) } });
  });

  it('returns no answer for stop, and ignores blank lines', () => {
    expect(handleRequest({ cmd: 'stop' })).toBeNull();
    expect(handleLine('{"cmd":"stop"}')).toEqual({ answer: null, stop: true });
    expect(handleLine('   ')).toEqual({ answer: null, stop: false });
  });
});
