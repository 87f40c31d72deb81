// The renderer's Content-Security-Policy: scripts only from our own build (no inline script, no eval — zod runs
// jitless for it), no plugins, no frames, no <base>, no form posts; connections only to our own origin (the
// browser-shell host's WebSocket; Electron's renderer talks to main over IPC, not the network) and to the media URL
// (parley-media:// in Electron, /__parley/media on the browser shell's own origin) for attachments. Inline styles stay:
// React sets element styles for layout. src/renderer/index.html carries the same policy as a <meta> (a test keeps
// the two equal); the shells also send it as a header wherever the page comes over HTTP.
export const RENDERER_CSP_DIRECTIVES: readonly string[] = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: parley-media:",
  "media-src 'self' blob: parley-media:",
  "connect-src 'self' parley-media:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
];

/** The policy as <meta> can carry it (frame-ancestors is only honoured in a header). */
export const RENDERER_CSP = RENDERER_CSP_DIRECTIVES.join('; ');

/** The policy as a response header: the <meta> policy, plus refusing to be framed. */
export const RENDERER_CSP_HEADER = `${RENDERER_CSP}; frame-ancestors 'none'`;

/** Response headers with our policy set, replacing any the response had (header names are case-insensitive). */
export function withContentSecurityPolicy(headers: Readonly<Record<string, string[]>> | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = value;
  }
  result['Content-Security-Policy'] = [RENDERER_CSP_HEADER];
  return result;
}
