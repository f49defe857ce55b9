import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built by the library's `npm run build` into dist/ui/, which ships in the package and which
// MissionsDashboardModule serves. Relative asset URLs: the page works under any mount path.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Served from memory and gzipped by the module; no source maps in the package.
    sourcemap: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
