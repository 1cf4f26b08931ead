import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web console's build (`npm run build:console`): a static bundle the gateway serves at
 * `/console` (and at `/` for browsers). Everything it loads is in the bundle: no CDN at run time.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  // Preact's automatic JSX runtime (the tsconfig says the same for the type checker).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inline nothing: the gateway serves files; small chunks are fine over localhost.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
  logLevel: 'warn',
});
