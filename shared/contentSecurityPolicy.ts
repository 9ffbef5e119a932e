// The renderer's Content-Security-Policy, the same for the Electron window and the browser-hosted mode.

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
