import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The web console, built into dist/web, which the orchestrator serves under its strict CSP: every
 * script and style is a file of this origin (no inline code, no eval), so nothing is inlined here.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  // The console imports @cj/api (types and run-time facts), as tsconfig.base.json maps it.
  resolve: { alias: { '@cj/api': here('../../libs/api/src/index.ts') } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'es2022',
  },
});
