// Builds the shop into dist/: one small entry chunk, hashed file names, served as static files.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    // `npm run dev -w @slipway/frontend` next to a running `npm start` (gateway on :8080).
    proxy: { '/api': process.env.SHOP_API_URL ?? 'http://127.0.0.1:8080' },
  },
});
