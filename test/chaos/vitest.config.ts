/**
 * The chaos suite's own runner (npm run test:chaos, the last step of `npm test`): its scenarios take
 * about 13 minutes together. One browser at a time, as in the E2E tier.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __DEFAULT_GOOGLE_CLIENT_ID__: JSON.stringify('') },
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/chaos/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    hookTimeout: 120_000,
  },
});
