// One benchmarked system in a child process of its own, driven over IPC by run.ts: `prepare` a row (untimed),
// then `slice`s of timed work. Started as `node --import tsx bench/crypto/system-process.ts <noble|node|libsignal>`.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runSlice, type Operation, type SliceResult, type SliceRunner } from './harness';
import type { BenchSystem, RowId } from './rows';

type Request = { type: 'prepare'; row: RowId } | { type: 'slice'; ms: number };
type Reply =
  | { type: 'started'; name: string; version?: string }
  | { type: 'ready' }
  | { type: 'slice'; result: SliceResult }
  | { type: 'error'; message: string };

export type SystemId = 'noble' | 'node' | 'libsignal';

async function loadSystem(id: SystemId): Promise<{ system: BenchSystem; version?: string }> {
  if (id === 'libsignal') {
    const { libsignalSystem } = await import('./libsignal');
    const pkg = await import('@signalapp/libsignal-client/package.json', { with: { type: 'json' } });
    return { system: libsignalSystem, version: (pkg.default as { version: string }).version };
  }
  const { parleySystem } = await import('./parley');
  const provider =
    id === 'node'
      ? (await import('../../src/main/core/crypto/node-provider')).nodeCryptoProvider
      : (await import('../../src/shared/crypto/noble-provider')).nobleCryptoProvider;
  return { system: parleySystem(provider) };
}

async function child(id: SystemId): Promise<void> {
  const send = (reply: Reply) => process.send!(reply);
  let system: BenchSystem;
  try {
    const loaded = await loadSystem(id);
    system = loaded.system;
    send({ type: 'started', name: system.name, ...(loaded.version ? { version: loaded.version } : {}) });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
  let op: Operation | undefined;
  process.on('message', (request: Request) => {
    void (async () => {
      try {
        if (request.type === 'prepare') {
          op = undefined;
          op = await system.prepare[request.row]();
          send({ type: 'ready' });
        } else {
          send({ type: 'slice', result: await runSlice(op!, request.ms) });
        }
      } catch (error) {
        send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
}

/** The parent's handle on a system process. */
export class SystemProcess implements SliceRunner {
  private constructor(
    private readonly process: ChildProcess,
    readonly name: string,
    readonly version: string | undefined,
  ) {}

  static start(id: SystemId): Promise<SystemProcess> {
    const proc = fork(fileURLToPath(import.meta.url), [id], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${id} process exited with code ${code}`));
      proc.once('exit', onExit);
      proc.once('message', (reply: Reply) => {
        proc.off('exit', onExit);
        if (reply.type === 'started') resolve(new SystemProcess(proc, reply.name, reply.version));
        else reject(new Error(reply.type === 'error' ? reply.message : `unexpected ${reply.type}`));
      });
    });
  }

  private request<T extends Reply['type']>(request: Request, expect: T): Promise<Extract<Reply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${this.name}: process exited with code ${code}`));
      this.process.once('exit', onExit);
      this.process.once('message', (reply: Reply) => {
        this.process.off('exit', onExit);
        if (reply.type === expect) resolve(reply as Extract<Reply, { type: T }>);
        else reject(new Error(`${this.name}: ${reply.type === 'error' ? reply.message : `unexpected ${reply.type}`}`));
      });
      this.process.send(request);
    });
  }

  async prepare(row: RowId): Promise<void> {
    await this.request({ type: 'prepare', row }, 'ready');
  }

  async slice(ms: number): Promise<SliceResult> {
    return (await this.request({ type: 'slice', ms }, 'slice')).result;
  }

  stop(): void {
    this.process.disconnect();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  void child(process.argv[2] as SystemId);
}
