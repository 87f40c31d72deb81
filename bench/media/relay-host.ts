// The relay under test, in a child process of its own: the real relay (startRelay, its HTTP blob endpoints and
// blob store) plus an IPC line that mints blob tokens through BlobAccess, the call the relay's WebSocket frame makes
// for an authenticated device. The bench measures this process's memory as "the relay".
import { loadRelayConfig } from '../../src/server/config';
import { silentLogger } from '../../src/server/log';
import { startRelay } from '../../src/server/relay';

type Request = { id: number; op: 'upload' | 'grant' | 'download'; size?: number; blobId?: string };

const relay = await startRelay(
  { ...loadRelayConfig({}), host: '127.0.0.1', port: 0, dataDir: process.env.BENCH_MEDIA_RELAY_DIR!, logLevel: 'silent', blobQuotaBytes: 2 ** 44 },
  { logger: silentLogger },
);
const sender = { user: 'alice', device: 1 };
const receiver = { user: 'bob', device: 1 };

process.on('message', (message: Request) => {
  const answer = async () => {
    if (message.op === 'upload') return relay.blobs.access.uploadToken(sender, message.size!);
    if (message.op === 'grant') return relay.blobs.access.grant(sender, message.blobId!, [receiver]);
    return relay.blobs.access.downloadToken(receiver, message.blobId!);
  };
  answer().then(
    (value) => process.send!({ id: message.id, value }),
    (error: unknown) => process.send!({ id: message.id, error: String(error) }),
  );
});
process.on('SIGTERM', () => void relay.close().then(() => process.exit(0)));
process.send!({ ready: relay.url });
