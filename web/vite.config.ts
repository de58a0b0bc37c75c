import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The engine serves web/dist at `/`; in development the API and the socket are proxied to it so the
// session cookie stays same-origin, exactly as in production.
export default defineConfig({
  plugins: [vue()],
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'http://localhost:8080', ws: true },
    },
  },
  build: { chunkSizeWarningLimit: 1500 },
});
