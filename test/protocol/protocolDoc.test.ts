import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ENVELOPE } from '../../src/check/envelope.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHARED = `${ROOT}../shared/PROTOCOL.md`;
const doc = readFileSync(`${ROOT}PROTOCOL.md`, 'utf8');
const readme = readFileSync(`${ROOT}README.md`, 'utf8');

describe('PROTOCOL.md', () => {
  test.runIf(existsSync(SHARED))('begins with the pinned v1 text byte for byte', () => {
    const pinned = readFileSync(SHARED, 'utf8');
    expect(doc.startsWith(pinned)).toBe(true);
  });

  test('states the envelope attnflow enforces, with the same numbers as src/check/envelope.ts', () => {
    for (const text of [doc, readme]) {
      expect(text).toContain(`n <= ${ENVELOPE.maxTokens}`);
      expect(text).toContain(`d <= ${ENVELOPE.maxDim}`);
      expect(text).toContain(`<= ${ENVELOPE.maxExponent}`);
      expect(text).toContain(`beta s <= ${ENVELOPE.maxUsaFlowExponent}`);
      expect(text).toContain(`L T <= ${ENVELOPE.maxRateHorizon}`);
    }
  });
});
