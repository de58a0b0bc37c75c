import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The engine serves web/dist at `/`; in development the API and the socket are proxied to it so the
// session cookie stays same-origin, exactly as in production.
export default defineConfig({
  plugins: [vue()],
  server: {
    port: 5173,
    proxy: {
      // The browser's Host is kept (as nginx does in production): the engine accepts a state-changing
      // request from a page whose Origin is the host it was sent to.
      '/api': { target: 'http://localhost:8080' },
      '/socket.io': { target: 'http://localhost:8080', ws: true },
    },
  },
  build: { chunkSizeWarningLimit: 1500 },
});
