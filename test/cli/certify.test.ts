import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { verifyCertificate } from '../../src/certificates/verifyCertificate.ts';
import { fromRows } from '../../src/linalg/mat.ts';

const dir = mkdtempSync(join(tmpdir(), 'attnflow-certify-'));
function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

let out = '', err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('attnflow certify', () => {
  it('exits 0 and prints w with exact margins when the tokens lie in an open hemisphere (margin 1e-9)', async () => {
    const code = await main(['certify', file('in.json', '[[1,0],[0,1],[-1,1e-9]]')]);
    expect(code).toBe(0);
    expect(out).toMatch(/open hemisphere/);
    expect(out).toMatch(/w = \[/);
    expect(out).toMatch(/re-checked exactly by the independent verifier: valid/);
  });

  it('exits 1 and prints Gordan\'s lambda when no hemisphere exists; --json round-trips through the verifier', async () => {
    const rows = [[1, 0], [0, 1], [-1, -1e-9]];
    const code = await main(['certify', file('out.json', JSON.stringify(rows)), '--json']);
    expect(code).toBe(1);
    const res = JSON.parse(out);
    expect(res).toMatchObject({ n: 3, d: 2, inHemisphere: false, verified: true });
    expect(res.certificate.kind).toBe('gordan');
    expect(verifyCertificate(fromRows(rows), res.certificate).valid).toBe(true);
  });

  it('--json hemisphere certificates round-trip through the verifier too', async () => {
    const rows = [[0.3, 0.2, 0.9], [0.1, -0.5, 0.4]];
    expect(await main(['certify', file('h.json', JSON.stringify(rows)), '--json'])).toBe(0);
    expect(verifyCertificate(fromRows(rows), JSON.parse(out).certificate).valid).toBe(true);
  });

  it('exits 2 naming the field on bad input: ragged rows, non-numbers, bad JSON, missing file, no file', async () => {
    expect(await main(['certify', file('ragged.json', '[[1,0],[0]]')])).toBe(2);
    expect(err).toMatch(/X\[1\]/);
    expect(await main(['certify', file('nan.json', '[[1,"a"]]')])).toBe(2);
    expect(err).toMatch(/X\[0\]\[1\]/);
    expect(await main(['certify', file('bad.json', '[[1,0]')])).toBe(2);
    expect(err).toMatch(/not valid JSON/);
    expect(await main(['certify', join(dir, 'missing.json')])).toBe(2);
    expect(err).toMatch(/cannot read/);
    expect(await main(['certify'])).toBe(2);
    expect(await main(['certify', file('x.json', '[[1]]'), '--bogus'])).toBe(2);
  });
});
