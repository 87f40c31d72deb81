// The local relay that `npm start` and `npm run start:browser` talk to: reuses one already answering on the
// configured port, otherwise starts `src/server/main.ts` as a child process with the relay's own defaults.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadRelayConfig } from '../src/server/config';
import { RELAY_WS_PATH } from '../src/shared/protocol';

export interface LocalRelay {
  url: string;
  /** Stops the relay if this process started it. */
  stop(): void;
}

export async function ensureLocalRelay(env: NodeJS.ProcessEnv = process.env): Promise<LocalRelay> {
  const config = loadRelayConfig(env);
  const origin = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  if (config.port !== 0 && (await isParleyRelay(`${origin}/healthz`))) {
    console.log(`Using the relay already running at ${origin}`);
    return { url: `ws${origin.slice(4)}${RELAY_WS_PATH}`, stop: () => undefined };
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await listeningUrl(child);
  console.log(`Started a local relay at ${url} (data: ${config.dataDir})`);
  return { url, stop: () => child.kill('SIGTERM') };
}

async function isParleyRelay(healthUrl: string): Promise<boolean> {
  try {
    const response = await fetch(healthUrl, { signal: AbortSignal.timeout(1000) });
    const body = (await response.json()) as { protocol?: unknown };
    return response.ok && typeof body.protocol === 'number';
  } catch {
    return false;
  }
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const event = JSON.parse(line) as { event?: string; url?: string; message?: string };
          if (event.event === 'relay.listening' && event.url) resolve(event.url);
          else if (event.event === 'relay.config_invalid' || event.event === 'relay.start_failed') reject(new Error(event.message ?? line));
        } catch {
          // not a JSON log line
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`the relay exited (code ${code}) before it was listening`)));
  });
}
