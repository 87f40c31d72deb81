// Time as an interface, so the transport's timers (backoff, heartbeat, request timeouts) can be driven by a
// manual clock in tests. The system clock is the default; nothing here may read Date.now() behind the clock's back.

export type TimerHandle = { readonly __timer: unique symbol };

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    // A pending reconnect or heartbeat must not keep a Node process alive on its own.
    timer.unref?.();
    return timer as unknown as TimerHandle;
  },
  clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};
