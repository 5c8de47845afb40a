import { afterEach, describe, expect, it, vi } from 'vitest';
import { Rng } from '../../../src/random/rng.ts';
import { uniformSphere } from '../../../src/random/sphere.ts';

// A runtime without WebAssembly (or whose module fails to compile) must still compute: the loaders
// return null and scaledDrift takes the TypeScript kernels.
describe('without WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('the loaders report no module and velocity runs on the TypeScript kernels, unchanged', async () => {
    const X = uniformSphere(20, 5, new Rng(61));
    const params = { beta: 3 };
    const choice = await import('../../../src/kernels/kernelChoice.ts');
    choice.setDriftKernel('ts');
    const expected = Array.from((await import('../../../src/models/velocity.ts')).velocity(X, params).data);
    choice.setDriftKernel(null);
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const { driftKernels } = await import('../../../src/kernels/wasm/wasmDrift.ts');
    const { sharedDriftInstance } = await import('../../../src/kernels/wasm/sharedDrift.ts');
    const { driftKernel, setDriftKernel } = await import('../../../src/kernels/kernelChoice.ts');
    setDriftKernel('wasm'); // also where ATTNFLOW_KERNEL=ts: this test is about the wasm choice
    const { velocity } = await import('../../../src/models/velocity.ts');
    expect(driftKernels()).toBeNull();
    expect(sharedDriftInstance()).toBeNull();
    expect(driftKernel(), 'the choice stays wasm; the path falls back').toBe('wasm');
    expect(Array.from(velocity(X, params).data)).toEqual(expected);
  });
});
