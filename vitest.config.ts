import { defineConfig } from 'vitest/config';

// Long sweeps run only under `npm run test:long` (ATTNFLOW_LONG=1); see test/helpers/long.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
