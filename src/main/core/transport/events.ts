// A minimal typed event emitter: on() returns an unsubscribe function, and a throwing listener is logged instead of
// breaking the emitter (a consumer bug must not corrupt the connection state machine).
import type { Logger } from './logger';

export type EventMap = Record<string, (...args: never[]) => void>;

export class TypedEvents<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  constructor(private readonly logger: Logger) {}

  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<Events[K]>) => void)(...args);
      } catch (error) {
        this.logger.error('listener_threw', {
          event: String(event),
          error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : 'non-error thrown',
        });
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
