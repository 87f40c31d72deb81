// The peer: a plain HTTP file copy over loopback, no encryption, no tus — PUT streams the body to a file and
// answers once it is flushed to disk (fdatasync), as the relay answers a finished upload with its default
// durability; GET streams a file back. What one process can move between a disk file and a socket on this machine:
// the limit the media bench compares Parley to.
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.env.BENCH_MEDIA_PLAIN_DIR!;
const server = createServer((request, response) => {
  const file = join(dir, 'copy.bin');
  const done = (status: number) => response.writeHead(status).end();
  if (request.method === 'PUT') {
    pipeline(request, createWriteStream(file))
      .then(() => flush(file))
      .then(() => done(204), () => done(500));
    return;
  }
  void stat(file).then((info) => {
    response.writeHead(200, { 'Content-Length': info.size, 'Content-Type': 'application/octet-stream' });
    return pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), response);
  }).catch(() => response.destroy());
});
async function flush(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    await file.datasync();
  } finally {
    await file.close();
  }
}

server.listen(0, '127.0.0.1', () => process.send!({ ready: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
