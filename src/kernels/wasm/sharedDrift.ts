import type { DriftExports, DriftInstance, WasmMemory } from './wasmApi.ts';
import { wasmApi } from './wasmApi.ts';
import { driftModuleBytes } from './driftModule.ts';
import { MAX_BYTES } from './driftLayout.ts';
import { writeExpTable } from './wasmDrift.ts';

/** Pages (64 KiB) the shared memory may grow to: the 1 GiB working-set limit of the wasm paths. */
export const SHARED_MAX_PAGES = MAX_BYTES / 65536;

let module: object | null = null;

/** The drift module instantiated on a shared memory (each thread of the pool makes its own instance). */
export function instantiateShared(memory: WasmMemory): DriftInstance {
  const wasm = wasmApi();
  if (!wasm) throw new Error('no WebAssembly in this runtime');
  module ??= new wasm.Module(driftModuleBytes({ sharedMemoryPages: SHARED_MAX_PAGES }));
  const kernels = new wasm.Instance(module, { env: { memory } }).exports as DriftExports;
  return { kernels, memory };
}

let main: DriftInstance | null | undefined;

/**
 * The main thread's instance on the pool's shared memory (created with the table of the exp), or
 * null where the runtime has no shared WebAssembly memory.
 */
export function sharedDriftInstance(): DriftInstance | null {
  if (main !== undefined) return main;
  try {
    const wasm = wasmApi();
    if (!wasm) throw new Error('no WebAssembly');
    const memory = new wasm.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
    writeExpTable(memory);
    main = instantiateShared(memory);
  } catch {
    main = null;
  }
  return main;
}
