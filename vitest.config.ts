import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Accuracy regressions run a few thousand real comparisons; keep generous limits on a shared 2-core box.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
