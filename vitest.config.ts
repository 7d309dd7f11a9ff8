import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'engine',
          include: ['test/engine/**/*.test.ts'],
          globalSetup: ['test/engine/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // The engines are shared machines: one test file at a time keeps their state predictable.
          fileParallelism: false,
        },
      },
    ],
  },
});
