// Fans contract events out to whoever listens (the Electron window, browser-shell pages, tests), after the
// contract has validated them.
import { createIpcEvents, type EventChannel, type IpcEvents } from '../../shared/ipc';

export type EventListener = (event: EventChannel, payload: unknown) => void;

export class CoreEvents {
  private readonly listeners = new Set<EventListener>();
  readonly emitter: IpcEvents = createIpcEvents((event, payload) => {
    for (const listener of this.listeners) listener(event, payload);
  });

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
