import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The engine serves admin/dist under `/admin/`. `@web` is the web app's source: the admin console
// reuses its app-agnostic pieces (HTTP client, error wording, form helper, theme, layout components)
// instead of keeping copies that drift.
export default defineConfig({
  base: '/admin/',
  plugins: [vue()],
  resolve: { alias: { '@web': fileURLToPath(new URL('../web/src', import.meta.url)) } },
  server: {
    port: 5174,
    proxy: {
      // The browser's Host is kept (as nginx does in production): the engine accepts a state-changing
      // request from a page whose Origin is the host it was sent to.
      '/api': { target: 'http://localhost:8080' },
      '/socket.io': { target: 'http://localhost:8080', ws: true },
    },
  },
  build: { chunkSizeWarningLimit: 1500 },
});
