// Vite build of the renderer: React, relative asset URLs (Electron loads it from file://), output in dist/renderer.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  // Relative URLs, because Electron opens index.html from file:// and the host serves it at /.
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true },
});
