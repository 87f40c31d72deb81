// Serves the built renderer to Chromium for the browser shell: index.html gets the host token and the
// bridge script injected; other files are served from the build folder only (no path escapes).
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
  body: Buffer | string;
}

export async function servePageFile(files: PageFiles, urlPath: string, token: string): Promise<ServedFile> {
  if (urlPath === '/' || urlPath === '/index.html') {
    const html = await readFile(join(files.rendererDir, 'index.html'), 'utf8');
    const injected = html.replace(
      '<head>',
      `<head>\n    <meta name="parley-host-token" content="${token}" />\n    <script src="/__parley/bridge.js"></script>`,
    );
    return { status: 200, contentType: CONTENT_TYPES['.html']!, body: injected };
  }
  if (urlPath === '/__parley/bridge.js') {
    return { status: 200, contentType: CONTENT_TYPES['.js']!, body: await readFile(files.bridgeFile) };
  }
  const resolved = normalize(join(files.rendererDir, decodeURIComponent(urlPath)));
  if (!resolved.startsWith(files.rendererDir + sep)) return notFound();
  try {
    return { status: 200, contentType: CONTENT_TYPES[extname(resolved)] ?? 'application/octet-stream', body: await readFile(resolved) };
  } catch {
    return notFound();
  }
}

function notFound(): ServedFile {
  return { status: 404, contentType: 'text/plain; charset=utf-8', body: 'not found' };
}
