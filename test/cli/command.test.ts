import { describe, expect, it } from 'vitest';
import { integerOption, numberOption, positiveOption } from '../../src/cli/command.ts';

describe('option parsers', () => {
  it('numberOption reads numbers, falls back when absent, and names the option on garbage', () => {
    expect(numberOption('1e-3', 'eps', 1)).toBe(0.001);
    expect(numberOption(undefined, 'eps', 7)).toBe(7);
    expect(() => numberOption('abc', 'eps', 1)).toThrow(/--eps.*expected a number/s);
    expect(() => numberOption(' ', 'eps', 1)).toThrow(/--eps/);
  });

  it('positiveOption refuses 0, negative and infinite values, naming the option (and a valid value)', () => {
    expect(positiveOption('2.5', 'timeout', 60)).toBe(2.5);
    expect(positiveOption(undefined, 'timeout', 60)).toBe(60);
    for (const bad of ['0', '-1', '-0.5']) expect(() => positiveOption(bad, 'timeout', 60), bad).toThrow(/--timeout: must be > 0.*--timeout 60/s);
    expect(() => positiveOption('Infinity', 'timeout', 60)).toThrow(/--timeout: expected a number/);
  });

  it('integerOption enforces integers and the lower bound', () => {
    expect(integerOption('3', 'runs', 1)).toBe(3);
    expect(() => integerOption('2.5', 'runs', 1)).toThrow(/--runs.*integer >= 1/s);
    expect(() => integerOption('0', 'runs', 1)).toThrow(/--runs/);
  });
});
