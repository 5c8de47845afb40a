import { readFileSync } from 'node:fs';
import { decideHemisphere } from '../../certificates/decideHemisphere.ts';
import { verifyCertificate } from '../../certificates/verifyCertificate.ts';
import { AttnflowError } from '../../errors.ts';
import type { Tokens } from '../../linalg/mat.ts';
import { fromRows } from '../../linalg/mat.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';

const HELP = `attnflow certify <tokens.json> [--json]

Decides EXACTLY whether the tokens lie in an open hemisphere, i.e. whether some w has
<x_i, w> > 0 for every token (S15; the hypothesis of Lemma 6.4). The file holds a JSON array of
token rows, e.g. [[1,0],[0,1],[-1,1e-9]] ("-" reads stdin). Every number is read as the exact
binary fraction of its float64; tokens need not be unit vectors. The answer is one of
  - a hemisphere certificate: w and the exact margins <x_i, w> > 0, or
  - Gordan's certificate: lambda >= 0, lambda != 0 with sum_i lambda_i x_i = 0 exactly,
both as exact decimals, re-checked by an independent exact verifier before printing.

Options:
  --json   print the certificate as one JSON object

Exit status: 0 a hemisphere exists, 1 none exists (Gordan), 2 bad input (the field is named).
`;

function readTokens(path: string): Tokens {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new AttnflowError('tokens.json', `cannot read ${JSON.stringify(path)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'pass the path of an existing JSON file');
  }
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (e) {
    throw new AttnflowError('tokens.json', `is not valid JSON (${(e as Error).message})`, 'write the tokens as a JSON array of rows, e.g. [[1,0],[0,1]]');
  }
  if (rows && typeof rows === 'object' && !Array.isArray(rows) && 'X' in rows) rows = (rows as { X: unknown }).X;
  return fromRows(rows as number[][], 'X');
}

/** \`attnflow certify\`: the exact hemisphere / Gordan certificate of a token file. */
export const certifyCommand: Command = {
  name: 'certify',
  summary: 'decide exactly whether tokens lie in an open hemisphere, with a checkable certificate',
  help: HELP,
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseCommandArgs('certify', argv, { json: { type: 'boolean' } }, true);
    if (positionals.length !== 1) {
      throw new AttnflowError('tokens.json', positionals.length ? `expected one file, got ${positionals.length}` : 'no token file given', 'run "attnflow certify <tokens.json>"');
    }
    const X = readTokens(positionals[0]);
    const cert = decideHemisphere(X);
    const check = verifyCertificate(X, cert);
    if (!check.valid) throw new AttnflowError('certificate', `the independent verifier rejected it: ${check.reason}`, 'report this input as a bug', 'internal');
    const inside = cert.kind === 'hemisphere';
    if (values.json) {
      process.stdout.write(JSON.stringify({ n: X.rows, d: X.cols, inHemisphere: inside, certificate: cert, verified: true }) + '\n');
      return inside ? 0 : 1;
    }
    const lines = [`tokens: n = ${X.rows}, d = ${X.cols} (each number read as its exact float64 binary fraction)`];
    if (cert.kind === 'hemisphere') {
      lines.push('verdict: the tokens lie in an open hemisphere: <x_i, w> > 0 for every i, with');
      lines.push(`  w = [${cert.w.join(', ')}]`);
      cert.margins.forEach((m, i) => lines.push(`  <x_${i}, w> = ${m}`));
      lines.push(`  min margin = ${cert.minMargin}`);
    } else {
      lines.push('verdict: NO open hemisphere contains the tokens (Gordan\'s alternative):');
      lines.push(`  lambda = [${cert.lambda.join(', ')}]  (lambda_i >= 0, not all zero)`);
      lines.push(`  sum_i lambda_i x_i = 0 exactly, over the support {${cert.support.join(', ')}}`);
    }
    lines.push('re-checked exactly by the independent verifier: valid');
    process.stdout.write(lines.join('\n') + '\n');
    return inside ? 0 : 1;
  },
};
