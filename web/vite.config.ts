// Vite builds the dashboard into dist/, which `alphintra serve` serves at / (docs/dashboard.md).
// `npm run dev` serves the sources with hot reload and forwards /api (and its WebSocket) to a
// running `alphintra serve` (ALPHINTRA_URL, default http://127.0.0.1:8080).
import { defineConfig } from 'vite';

const target = process.env.ALPHINTRA_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': { target, ws: true } },
  },
});
