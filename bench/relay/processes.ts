// Child processes of the bench: the two servers and the load generators. Every child is registered so that it is
// killed when the bench ends, whichever way it ends (normal exit, exception, Ctrl+C, SIGTERM). Generators and the
// socket.io server also exit by themselves when their IPC channel to the bench closes.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GeneratorConfig, GeneratorReply, GeneratorRequest } from './messages';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const children = new Set<ChildProcess>();
const cleanups = new Set<() => void>();
let handlersInstalled = false;

/** SIGKILLs every child still running, then runs the registered clean-ups. Safe to call at any time, any number of times. */
export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // Best effort at exit.
    }
  }
  cleanups.clear();
}

/** Registers work (e.g. removing a temporary directory) for killAllChildren; returns a function that unregisters it. */
export function onCleanup(cleanup: () => void): () => void {
  installHandlers();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAllChildren();
      process.exit(130);
    });
  }
}

export interface Placement {
  /** CPU list for taskset, e.g. "0" or "1"; undefined: no pinning. */
  cpus?: string;
  /** Scheduling priority for nice(1) (negative needs root); undefined: inherit. */
  nice?: number;
}

/** Registers a child started elsewhere (e.g. the RabbitMQ broker), so that killAllChildren ends it too. */
export function registerChild(child: ChildProcess): void {
  installHandlers();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

function spawnNode(args: string[], placement: Placement, options: Parameters<typeof spawn>[2]): ChildProcess {
  installHandlers();
  // nice and taskset exec the next program, so the child's pid is node's own.
  const command = [
    ...(placement.nice === undefined ? [] : ['nice', '-n', String(placement.nice)]),
    ...(placement.cpus === undefined ? [] : ['taskset', '-c', placement.cpus]),
    process.execPath,
    ...args,
  ];
  const child = spawn(command[0]!, command.slice(1), options);
  registerChild(child);
  return child;
}

export interface ServerProcess {
  pid: number;
  url: string;
  /** The server's Prometheus endpoint, when its listening line names one (the relay's `metricsUrl`). */
  metricsUrl?: string | undefined;
  /** The last lines the server printed (for diagnostics). */
  readonly output: readonly string[];
  /** SIGTERM, then SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Starts a server (`node [nodeArgs] --import tsx <entry>`) and waits for its listening line: a JSON line whose
 * `event` is `listeningEvent` and which carries `url`.
 */
export async function startServer(options: {
  entry: string;
  /** Directory the entry path is relative to (and where tsx and the server's packages resolve from). */
  cwd: string;
  listeningEvent: string;
  env: NodeJS.ProcessEnv;
  nodeArgs: string[];
  placement: Placement;
  withIpc: boolean;
  startTimeoutMs?: number;
}): Promise<ServerProcess> {
  const child = spawnNode([...options.nodeArgs, '--import', 'tsx', options.entry], options.placement, {
    cwd: options.cwd,
    env: options.env,
    stdio: options.withIpc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const remember = (line: string) => {
    output.push(line);
    if (output.length > 50) output.shift();
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => chunk.split('\n').forEach((line) => line && remember(line)));
  const { url, metricsUrl } = await new Promise<Listening>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const timer = setTimeout(() => reject(new Error(`${options.entry} did not listen within ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
    let buffered = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        remember(line);
        const listening = parseListening(line, options.listeningEvent);
        if (listening !== undefined) {
          clearTimeout(timer);
          resolve(listening);
        }
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${options.entry} exited before listening:\n${output.join('\n')}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.entry} has no pid`);
  return {
    pid,
    url,
    metricsUrl,
    output,
    stop: async (timeoutMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface Listening {
  url: string;
  metricsUrl: string | undefined;
}

function parseListening(line: string, event: string): Listening | undefined {
  try {
    const value = JSON.parse(line) as { event?: unknown; url?: unknown; metricsUrl?: unknown };
    if (value.event === event && typeof value.url === 'string') {
      return { url: value.url, metricsUrl: typeof value.metricsUrl === 'string' ? value.metricsUrl : undefined };
    }
  } catch {
    // Not a JSON line.
  }
  return undefined;
}

type RequestBody = GeneratorRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** A load-generator child with request/response over IPC. */
export class GeneratorProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: GeneratorReply) => void; reject: (error: Error) => void }>();
  private exitReason: string | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: GeneratorReply) => {
      const waiter = this.pending.get(reply.id);
      if (waiter === undefined) return;
      this.pending.delete(reply.id);
      if (reply.type === 'failed') waiter.reject(new Error(`generator failed: ${reply.message}`));
      else waiter.resolve(reply);
    });
    child.once('exit', (code, signal) => {
      this.exitReason = `generator exited (${code ?? signal})`;
      for (const waiter of this.pending.values()) waiter.reject(new Error(this.exitReason));
      this.pending.clear();
    });
  }

  static start(config: GeneratorConfig, placement: Placement): GeneratorProcess {
    const child = spawnNode(['--import', 'tsx', 'bench/relay/generator.ts', JSON.stringify(config)], placement, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    return new GeneratorProcess(child);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('generator has no pid');
    return this.child.pid;
  }

  request<T extends GeneratorReply['type']>(body: RequestBody, expect: T): Promise<Extract<GeneratorReply, { type: T }>> {
    if (this.exitReason !== undefined) return Promise.reject(new Error(this.exitReason));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: (reply) => {
          if (reply.type === expect) resolve(reply as Extract<GeneratorReply, { type: T }>);
          else reject(new Error(`expected ${expect}, got ${reply.type}`));
        },
        reject,
      });
      this.child.send({ ...body, id } as GeneratorRequest);
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
