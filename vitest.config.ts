import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each project names its own files: inherited arrays are concatenated, never replaced.
    exclude: ['node_modules/**', 'dist/**', '.data/**'],
    globalSetup: ['core/testing/global-setup.ts'],
    // Two cores: a pool of two keeps PGlite start-up and Postgres from fighting for CPU.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'node', include: ['**/*.test.ts'], exclude: ['**/*.browser.test.ts'] } },
      {
        // Chromium driving the real server: one file at a time, after everything else, so a
        // browser never competes with the other test files for the two cores.
        extends: true,
        test: {
          name: 'browser',
          include: ['**/*.browser.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
