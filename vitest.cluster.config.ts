// The cluster tests (tests/cluster): two production servers, one worker and one PostgreSQL per
// file, started by the file itself (tests/cluster/harness.ts). One file at a time, in order; run
// by `npm test` after the end-to-end tests, which leave the production build in place.
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['tests/cluster/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
