import { afterEach, describe, expect, it } from 'vitest';
import { driftKernel, setDriftKernel } from '../../src/kernels/kernelChoice.ts';

describe('driftKernel', () => {
  const saved = process.env.ATTNFLOW_KERNEL;
  afterEach(() => {
    setDriftKernel(null);
    if (saved === undefined) delete process.env.ATTNFLOW_KERNEL;
    else process.env.ATTNFLOW_KERNEL = saved;
  });

  it('defaults to wasm, follows ATTNFLOW_KERNEL=ts (read again after setDriftKernel(null)), and an explicit choice overrides the environment', () => {
    delete process.env.ATTNFLOW_KERNEL;
    setDriftKernel(null);
    expect(driftKernel()).toBe('wasm');
    process.env.ATTNFLOW_KERNEL = 'ts';
    setDriftKernel(null);
    expect(driftKernel()).toBe('ts');
    setDriftKernel('wasm');
    expect(driftKernel()).toBe('wasm');
    setDriftKernel(null);
    expect(driftKernel()).toBe('ts');
  });

  it('rejects an unknown kernel, passed or in the environment, with an error naming the field and the choices', () => {
    expect(() => setDriftKernel('gpu' as never)).toThrow(/kernel.*"wasm" or "ts"/s);
    process.env.ATTNFLOW_KERNEL = 'simd';
    setDriftKernel(null);
    expect(() => driftKernel()).toThrow(/ATTNFLOW_KERNEL.*"simd".*ATTNFLOW_KERNEL=wasm/s);
  });
});
