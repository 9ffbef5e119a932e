// The renderer's Content-Security-Policy, the same for the Electron window and the browser-hosted mode.
//
// Delivered twice: in the built page as a <meta> tag (renderer/vite.config.ts), because Electron
// loads the page from file://, which has no response headers, and as a response header (the
// browser-hosted mode's host, and electron/main.ts for anything the window loads over http(s)).
// A <meta> policy ignores frame-ancestors; the host's header (and X-Frame-Options) covers framing.

// Only the app's own files may run or load; inline styles are allowed because React sets style
// attributes. No remote origin is ever contacted from the renderer: S3 traffic runs in the engine.
// 'self' covers the browser-hosted mode's WebSocket on the same host and port.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
