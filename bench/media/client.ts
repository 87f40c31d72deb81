// The app side of the media bench, in a child process of its own so its memory is measured alone: Parley's transfer
// engine (src/main/core/media, as the app's main process runs it) or a plain HTTP copy, one operation per message.
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { BlobTokenSource } from '../../src/main/core/media/transfer/BlobTokenSource';
import { blobEndpoint } from '../../src/main/core/media/transfer/blobHttp';
import { encryptAndUpload } from '../../src/main/core/media/transfer/encryptAndUpload';
import { downloadBlob } from '../../src/main/core/media/transfer/rangeDownload';

export type ClientOp =
  | { op: 'parley-up'; plain: string; local: string; relayUrl: string }
  | { op: 'parley-down'; blobId: string; out: string; relayUrl: string; key: string; digest: string; size: number; chunkBytes: number }
  | { op: 'plain-up'; plain: string; url: string }
  | { op: 'plain-down'; out: string; url: string };

let nextId = 1;
const waiting = new Map<number, (value: { blobId: string; token: string }) => void>();
const relayCall = (request: { op: 'upload' | 'download'; size?: number; blobId?: string }) =>
  new Promise<{ blobId: string; token: string }>((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    process.send!({ relay: { ...request, id } });
  });

const tokens: BlobTokenSource = {
  uploadToken: (size) => relayCall({ op: 'upload', size }),
  resumeToken: () => Promise.reject(new Error('the bench never resumes')),
  downloadToken: (blobId) => relayCall({ op: 'download', blobId }),
};

async function run(op: ClientOp): Promise<Record<string, unknown>> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  switch (op.op) {
    case 'parley-up': {
      const { attachment: meta, blobId } = await encryptAndUpload({
        source: createReadStream(op.plain, { highWaterMark: 256 * 1024 }),
        plaintextSize: (await stat(op.plain)).size,
        file: op.local,
        endpoint: blobEndpoint(op.relayUrl),
        tokens,
      });
      return {
        seconds: seconds(),
        blobId,
        key: Buffer.from(meta.key).toString('base64'),
        digest: Buffer.from(meta.digest).toString('base64'),
        size: meta.size,
        chunkBytes: meta.chunkBytes,
      };
    }
    case 'parley-down':
      await downloadBlob({
        endpoint: blobEndpoint(op.relayUrl),
        blobId: op.blobId,
        file: op.out,
        tokens,
        key: Buffer.from(op.key, 'base64'),
        digest: Buffer.from(op.digest, 'base64'),
        size: op.size,
        chunkBytes: op.chunkBytes,
      });
      return { seconds: seconds() };
    case 'plain-up':
      await new Promise<void>((resolve, reject) => {
        const request = http.request(`${op.url}/copy`, { method: 'PUT' }, (response) => {
          response.resume();
          response.on('end', () => (response.statusCode === 204 ? resolve() : reject(new Error(`PUT ${response.statusCode}`))));
        });
        request.on('error', reject);
        pipeline(createReadStream(op.plain, { highWaterMark: 256 * 1024 }), request).catch(reject);
      });
      return { seconds: seconds() };
    case 'plain-down':
      await new Promise<void>((resolve, reject) => {
        http.get(`${op.url}/copy`, (response) => pipeline(response, createWriteStream(op.out)).then(resolve, reject)).on('error', reject);
      });
      return { seconds: seconds() };
  }
}

process.on('message', (message: { relayAnswer?: { id: number; value: { blobId: string; token: string } }; run?: ClientOp }) => {
  if (message.relayAnswer) {
    waiting.get(message.relayAnswer.id)?.(message.relayAnswer.value);
    waiting.delete(message.relayAnswer.id);
    return;
  }
  if (message.run) {
    run(message.run).then(
      (result) => process.send!({ result }),
      (error: unknown) => process.send!({ error: String(error) }),
    );
  }
});
process.on('SIGTERM', () => process.exit(0));
process.send!({ ready: true });
