// Lint: typescript-eslint's recommended rules everywhere; the pure core also may not use `any`
// nor reach for process, timers or the clock: everything it needs is injected, so the simulator and the live
// scheduler can drive the same code with their own clocks.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'layers/onnxruntime/build/**', 'bench/results/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch'],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'The core is pure: take `now` as an argument.' },
        { object: 'Math', property: 'random', message: 'The core is deterministic: use the seeded generator.' },
        { object: 'performance', property: 'now', message: 'The core is pure: take `now` as an argument.' },
      ],
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'http', 'hono', '@alicloud/*', 'tablestore', 'onnxruntime-node', 'sharp'] }],
    },
  },
);
