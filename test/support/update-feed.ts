// A real update feed on loopback for the updater's integration test: a folder served over HTTP (electron-builder's
// files: latest*.yml, beta*.yml, artifacts), with knobs to damage a download; and electron-updater's DebUpdater run in
// plain Node — its own app adapter and a node:http executor instead of Electron's.
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { createServer, request, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { HttpExecutor, configureRequestOptions, configureRequestUrl, type DownloadOptions } from 'builder-util-runtime';
import { DebUpdater } from 'electron-updater';

export interface FeedServer {
  url: string;
  /** Paths requested, in order (without query strings). */
  requests: string[];
  /** Serve only the first N bytes of this file (with a matching Content-Length): a truncated download. */
  truncate: Map<string, number>;
  close(): Promise<void>;
}

export async function serveFeed(dir: string): Promise<FeedServer> {
  const requests: string[] = [];
  const truncate = new Map<string, number>();
  const server = createServer((req, res) => {
    const name = basename(decodeURIComponent(new URL(req.url ?? '/', 'http://feed').pathname));
    requests.push(`/${name}`);
    const path = join(dir, name);
    void stat(path).then(
      ({ size }) => {
        const length = Math.min(size, truncate.get(name) ?? size);
        res.writeHead(200, { 'content-length': length, 'content-type': name.endsWith('.yml') ? 'text/yaml' : 'application/octet-stream' });
        createReadStream(path, { start: 0, end: Math.max(0, length - 1) }).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    truncate,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What ElectronHttpExecutor does over Electron's net module, over node:http. */
class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return request(options, callback);
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        { destination, options, onCancel, callback: (error) => (error ? reject(error) : resolve(destination)), responseHandler: null },
        0,
      );
    });
  }
}

/** electron-updater's Debian updater as version `version` of an installed app whose data lives in `dir`. */
export async function nodeDebUpdater(dir: string, version: string): Promise<DebUpdater> {
  const appUpdateConfigPath = join(dir, 'app-update.yml');
  await writeFile(appUpdateConfigPath, 'provider: generic\nurl: http://127.0.0.1/\nupdaterCacheDirName: parley-updater-test\n');
  const updater = new DebUpdater(null, {
    version,
    name: 'Parley',
    isPackaged: true,
    appUpdateConfigPath,
    userDataPath: dir,
    baseCachePath: join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  });
  (updater as unknown as { httpExecutor: HttpExecutor<ClientRequest> }).httpExecutor = new NodeHttpExecutor();
  return updater;
}
