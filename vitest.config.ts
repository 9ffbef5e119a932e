import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Two groups: unit, integration and e2e together (e2e spends its first run seeding a bucket),
          // then integration-sdk, which must not overlap integration (both restart the S3 server).
          sequence: { groupOrder: 1 },
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
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          // The same suite with object data sent through the SDK client (the data path users can
          // choose with --data-path sdk or FERRY_DATA_PATH=sdk) instead of the direct path.
          name: 'integration-sdk',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          env: { FERRY_DATA_PATH: 'sdk' },
          globalSetup: ['test/support/s3GlobalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
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
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
