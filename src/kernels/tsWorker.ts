import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Source for `new Worker(src, { eval: true })` that registers tsx's loader and then imports `entry`:
 * attnflow runs from TypeScript sources, and a worker thread does not inherit the parent's loader.
 * Throws when tsx cannot be resolved.
 */
export function tsWorkerSource(entry: URL): string {
  const req = createRequire(import.meta.url);
  const pkg = req.resolve('tsx/package.json');
  const api = new URL(req(pkg).exports['./esm/api'].import.default, pathToFileURL(pkg)).href;
  return `(async () => { const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(entry.href)}); })();`;
}
