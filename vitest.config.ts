import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/s3GlobalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two cores, and the S3 server needs one of them: test files run one after another.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/s3GlobalSetup.ts'],
          // The first run creates a bucket of 100,000 objects (about 20 minutes on Swift, kept after).
          testTimeout: 300_000,
          hookTimeout: 45 * 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
