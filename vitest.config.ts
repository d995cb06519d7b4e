import { defineConfig } from 'vitest/config';

// Integration suites start real servers and load the real ONNX model: give them room, and keep
// the worker count at the machine's two cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
