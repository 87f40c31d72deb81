// The shell's network signals against a fake `electron` (the real runtime cannot start on build machines).
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => ({ online: true, power: undefined as unknown as import('node:events').EventEmitter }));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  fake.power = new Emitter();
  return { net: { isOnline: () => fake.online }, powerMonitor: fake.power };
});

const { watchNetwork } = await import('./networkWatch');

describe('watchNetwork', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    fake.online = true;
  });
  afterEach(() => vi.useRealTimers());

  it('signals on resume, on unlock and when the network comes back, not while it stays up or goes down', () => {
    const changed = vi.fn();
    const stop = watchNetwork(changed, 1_000);
    vi.advanceTimersByTime(3_000);
    expect(changed).not.toHaveBeenCalled();

    fake.power.emit('resume');
    fake.power.emit('unlock-screen');
    expect(changed).toHaveBeenCalledTimes(2);

    fake.online = false;
    vi.advanceTimersByTime(2_000);
    expect(changed).toHaveBeenCalledTimes(2);
    fake.online = true;
    vi.advanceTimersByTime(1_000);
    expect(changed).toHaveBeenCalledTimes(3);

    stop();
    fake.power.emit('resume');
    fake.online = false;
    vi.advanceTimersByTime(1_000);
    fake.online = true;
    vi.advanceTimersByTime(1_000);
    expect(changed).toHaveBeenCalledTimes(3);
    expect((fake.power as EventEmitter).listenerCount('resume')).toBe(0);
  });
});
