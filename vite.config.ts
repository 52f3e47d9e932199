import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };

// A published build may carry a default OAuth client id; a user's own id (options page) overrides it.
const defaultClientId = process.env.GOOGLE_CLIENT_ID ?? '';

export default defineConfig({
  plugins: [preact(), crx({ manifest })],
  define: {
    __DEFAULT_GOOGLE_CLIENT_ID__: JSON.stringify(defaultClientId),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    minify: false,
    rollupOptions: {
      // The report page is opened by the extension itself, so the manifest does not name it.
      input: { report: 'src/report/report.html' },
    },
  },
});
