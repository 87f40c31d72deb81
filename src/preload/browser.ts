// Browser-shell bridge: the same window.parley as the Electron preload, carried over a WebSocket to the
// Node host that runs the real core (docs/architecture.md, "Testing without Electron"). The host authenticates the socket by origin and token.
// Only the contract's channel names, no schemas (channelNames.ts): main validates every request, the renderer every event.
import { BRIDGE_GLOBAL, type ParleyBridge } from '../shared/ipc/bridge';
import type { PageMessage } from '../shared/ipc/browser-host-protocol';
import { isEventChannel, isInvokeChannel } from '../shared/ipc/channelNames';
import type { IpcResult } from '../shared/ipc/errors';
import { readHostMessage } from '../shared/ipc/hostMessage';

const RECONNECT_DELAY_MS = 500;

function unavailable(message: string): IpcResult<never> {
  return { ok: false, error: { code: 'internal', message, retryable: true } };
}

function createBrowserBridge(url: string): ParleyBridge {
  const pending = new Map<number, (result: IpcResult<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const queue: PageMessage[] = [];
  let nextId = 1;
  let socket: WebSocket;

  const open = () => {
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      for (const message of queue.splice(0)) socket.send(JSON.stringify(message));
    });
    socket.addEventListener('message', (event) => {
      const message = readHostMessage(JSON.parse(String(event.data)));
      if (!message) return;
      if (message.kind === 'result') {
        pending.get(message.id)?.(message.result as IpcResult<unknown>);
        pending.delete(message.id);
      } else {
        for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
      }
    });
    socket.addEventListener('close', () => {
      for (const [id, resolve] of pending) {
        resolve(unavailable('Lost the connection to the Parley host. Please try again.'));
        pending.delete(id);
      }
      setTimeout(open, RECONNECT_DELAY_MS);
    });
  };
  open();

  const send = (message: PageMessage) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    else queue.push(message);
  };

  // The Node host has no online/offline event of its own; the page's is the OS's (docs/architecture.md, "Connection").
  window.addEventListener('online', () => send({ kind: 'network-changed' }));

  return {
    invoke(channel, request) {
      if (!isInvokeChannel(channel)) return Promise.resolve(unavailable('Unknown request.'));
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        send({ kind: 'invoke', id, channel, request });
      });
    },
    on(event, listener) {
      if (!isEventChannel(event)) throw new Error(`Unknown event: ${event}`);
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
}

const token = document.querySelector<HTMLMetaElement>('meta[name="parley-host-token"]')?.content ?? '';
const hostUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ipc?token=${encodeURIComponent(token)}`;
Object.defineProperty(window, BRIDGE_GLOBAL, { value: Object.freeze(createBrowserBridge(hostUrl)), writable: false });
