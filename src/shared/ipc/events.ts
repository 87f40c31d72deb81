// Main-side emitter of contract events: validates every payload so a bug in main cannot push garbage
// into the renderer, then hands it to whatever transport the shell provides.
import type { EventChannel } from './channelNames';
import { eventChannels, type EventOf } from './contract';

export type EventSink = (event: EventChannel, payload: unknown) => void;

export interface IpcEvents {
  emit<E extends EventChannel>(event: E, payload: EventOf<E>): void;
}

export function createIpcEvents(sink: EventSink): IpcEvents {
  return {
    emit(event, payload) {
      sink(event, eventChannels[event].parse(payload));
    },
  };
}
