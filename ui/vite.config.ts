// Vite build of the web UI into ui/dist: hashed assets under /assets/, no CDN, served by `vigil server` at /.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npx vite --config ui/vite.config.ts` during development: the API comes from a running server.
    proxy: { '/api': process.env.VIGIL_API ?? 'http://127.0.0.1:9090' },
  },
});
