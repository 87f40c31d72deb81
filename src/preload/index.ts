// Electron preload: exposes window.parley, generated from the IPC contract's channel names, and nothing else.
// Runs sandboxed: only 'electron' can be required, so everything else is bundled in. Only the names, no schemas
// (channelNames.ts): main validates every request, the renderer every event.
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, type ParleyBridge } from '../shared/ipc/bridge';
import { isEventChannel, isInvokeChannel } from '../shared/ipc/channelNames';
import type { IpcResult } from '../shared/ipc/errors';

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
