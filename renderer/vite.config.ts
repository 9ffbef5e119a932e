// Vite build of the renderer: React, relative asset URLs (Electron loads it from file://), output in
// dist/renderer, and the Content-Security-Policy written into the page.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { CONTENT_SECURITY_POLICY } from '../shared/contentSecurityPolicy.js';

/**
 * The policy of shared/contentSecurityPolicy.ts as a <meta http-equiv> tag, first in <head> so it
 * governs every script and style after it. Electron opens the page from file://, which carries no
 * response headers, so a header alone would not apply there; the browser-hosted mode gets both
 * (the same policy twice). Build only: vite's dev server injects inline scripts the policy refuses.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'ferry-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  root: import.meta.dirname,
  // Relative URLs, because Electron opens index.html from file:// and the host serves it at /.
  base: './',
  plugins: [react(), contentSecurityPolicyMeta()],
  build: { outDir: '../dist/renderer', emptyOutDir: true },
});
