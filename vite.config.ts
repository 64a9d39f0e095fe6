// The dashboard's build: ui/ into dist/ui, served by the server at / with assets under /ui/ (src/api/ui/static.ts).
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'ui',
  base: '/ui/',
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    // Small enough to inline nothing: the content security policy allows scripts and styles from the server only.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
