// Registers every contract channel with ipcMain. The sender frame must be our renderer page; the dispatcher
// then validates the request before any handler runs.
import { ipcMain, type BrowserWindow } from 'electron';
import { INVOKE_CHANNELS, type EventSink, type IpcDispatch } from '../../shared/ipc';
import { isRendererUrl, type RendererLocation } from '../core/security/navigation-policy';

export function registerIpc(dispatch: IpcDispatch, renderer: RendererLocation): void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, request: unknown) => {
      const trusted = event.senderFrame !== null && isRendererUrl(event.senderFrame.url, renderer);
      return dispatch(channel, request, { trusted });
    });
  }
}

/** Delivers contract events to the window's renderer, if it is still there. */
export function windowEventSink(getWindow: () => BrowserWindow | null): EventSink {
  return (event, payload) => {
    const window = getWindow();
    if (window && !window.isDestroyed()) window.webContents.send(event, payload);
  };
}
