// Electron preload: exposes window.parley, generated from the IPC contract, and nothing else.
// Runs sandboxed: only 'electron' can be required, so everything else is bundled in.
import '../shared/ipc/zod-csp';
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, isEventChannel, isInvokeChannel, type IpcResult, type ParleyBridge } from '../shared/ipc';

const unknownChannel: IpcResult<never> = {
  ok: false,
  error: { code: 'unknown_channel', message: 'Unknown request.', retryable: false },
};

const bridge: ParleyBridge = {
  invoke(channel, request) {
    if (!isInvokeChannel(channel)) return Promise.resolve(unknownChannel);
    return ipcRenderer.invoke(channel, request) as Promise<IpcResult<unknown>>;
  },
  on(event, listener) {
    if (!isEventChannel(event)) throw new Error(`Unknown event: ${event}`);
    // Never hand the IpcRendererEvent (and with it ipcRenderer) to the page.
    const forward = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(event, forward);
    return () => ipcRenderer.removeListener(event, forward);
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
