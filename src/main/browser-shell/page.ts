// Serves the built renderer to Chromium for the browser shell: index.html gets the host token and the
// bridge script injected; other files are served from the build folder only (no path escapes).
// The build names every file under assets/ by a hash of its content, and the bridge is named by its hash here, so
// those are cached for good: a launch then takes the bundle, styles and fonts from the browser's cache (and V8's
// code cache) instead of fetching them from a core that is busy catching up. index.html, which carries the launch's
// token and names the files, is never cached.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface PageFiles {
  rendererDir: string;
  bridgeFile: string;
}

export interface ServedFile {
  status: number;
  contentType: string;
  cacheControl: string;
  body: Buffer | string;
}

const NEVER_CACHED = 'no-store';
const CACHED_FOR_GOOD = 'public, max-age=31536000, immutable';
const HASHED_ASSETS_PREFIX = '/assets/';
const BRIDGE_PATH = '/__parley/bridge.js';

export async function servePageFile(files: PageFiles, urlPath: string, token: string): Promise<ServedFile> {
  if (urlPath === '/' || urlPath === '/index.html') {
    const [html, bridge] = await Promise.all([readFile(join(files.rendererDir, 'index.html'), 'utf8'), readFile(files.bridgeFile)]);
    const injected = html.replace(
      '<head>',
      `<head>\n    <meta name="parley-host-token" content="${token}" />\n    <script src="${BRIDGE_PATH}?v=${contentHash(bridge)}"></script>`,
    );
    return { status: 200, contentType: CONTENT_TYPES['.html']!, cacheControl: NEVER_CACHED, body: injected };
  }
  if (urlPath === BRIDGE_PATH) {
    return { status: 200, contentType: CONTENT_TYPES['.js']!, cacheControl: CACHED_FOR_GOOD, body: await readFile(files.bridgeFile) };
  }
  const resolved = normalize(join(files.rendererDir, decodeURIComponent(urlPath)));
  if (!resolved.startsWith(files.rendererDir + sep)) return notFound();
  try {
    const body = await readFile(resolved);
    const cacheControl = urlPath.startsWith(HASHED_ASSETS_PREFIX) ? CACHED_FOR_GOOD : NEVER_CACHED;
    return { status: 200, contentType: CONTENT_TYPES[extname(resolved)] ?? 'application/octet-stream', cacheControl, body };
  } catch {
    return notFound();
  }
}

/** Names a version of a file in its URL, so a new build is fetched anew. */
function contentHash(content: Buffer): string {
  return createHash('sha256').update(content).digest('base64url').slice(0, 16);
}

function notFound(): ServedFile {
  return { status: 404, contentType: 'text/plain; charset=utf-8', cacheControl: NEVER_CACHED, body: 'not found' };
}
