import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HANDSHAKE_LINE } from './handshake.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `tsx src/cli/main.ts serve` on the given stdin; resolves with its exit code and output lines. */
function serveOnce(input: string, closeStdin = true): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines: out.split('\n').filter((l) => l !== ''), stderr: err }));
    child.stdin.write(input);
    if (closeStdin) child.stdin.end();
  });
}

describe('attnflow serve (subprocess)', () => {
  it('answers handshake, velocity, layer, flow, energy and garbage in order, one line each, and exits 0 on stop', async () => {
    const requests = [
      '{"cmd":"start","protocol":1}',
      '{"cmd":"run","seq":1,"op":"velocity","model":"sa","beta":1,"Q":null,"K":null,"V":null,"X":[[1,0],[0,1]]}',
      '{"cmd":"run","seq":2,"op":"layer","model":"sa","beta":1,"Q":null,"K":null,"V":null,"X":[[1,0],[0,1]],"h":0.1,"steps":2}',
      '{"cmd":"run","seq":3,"op":"flow","model":"usa","beta":1,"Q":null,"K":null,"V":null,"X":[[1,0],[0,1]],"times":[0,0.5]}',
      '{"cmd":"run","seq":4,"op":"energy","beta":2,"Q":null,"K":null,"X":[[1,0],[0,1]]}',
      'garbage',
      '{"cmd":"run","seq":5,"op":"velocity","model":"xx","beta":1,"X":[[1,0]]}',
      '{"cmd":"stop"}',
      '{"cmd":"run","seq":6,"op":"energy","beta":2,"X":[[1,0]]}',
    ];
    // stdin stays open after stop: the server must exit by itself.
    const { code, lines, stderr } = await serveOnce(requests.join('\n') + '\n', false);
    expect(code, stderr).toBe(0);
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe(HANDSHAKE_LINE);
    const answers = lines.slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(answers.map((a) => a.seq)).toEqual([1, 2, 3, 4, null, 5]);
    const v = answers[0].velocity as number[][];
    // Two orthogonal SA tokens at beta = 1: x_1' = P(w x_2) with w = 1/(e+1) (eq. 2.3).
    const w = 1 / (Math.E + 1), tol = 1e-15;
    expect(Math.abs(v[0][1] - w), `err vs tol ${tol}`).toBeLessThan(tol);
    expect((answers[1].states as unknown[]).length).toBe(2);
    expect((answers[2].states as number[][][])[0]).toEqual([[1, 0], [0, 1]]);
    expect(answers[3].energy).toBeCloseTo((2 * Math.exp(2) + 2) / 16, 14);
    expect(answers[4].error).toMatchObject({ kind: 'invalid-request' });
    expect(answers[5].error).toMatchObject({ kind: 'invalid-request', message: expect.stringMatching(/^model: /) });
  });

  it('exits 0 at the end of the input without a stop', async () => {
    const { code, lines } = await serveOnce('{"cmd":"start","protocol":1}\n');
    expect(code).toBe(0);
    expect(lines).toEqual([HANDSHAKE_LINE]);
  });
});
