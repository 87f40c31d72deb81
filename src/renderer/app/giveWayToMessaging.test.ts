import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { giveWayToMessaging, INDEX_AFTER_QUIET_MS, INDEX_SEND_WAIT_MAX_MS, INDEX_WAIT_MAX_MS } from './giveWayToMessaging';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Follows when the wait resolves, in fake milliseconds. */
function track(wait: Promise<void>): { at: number | null } {
  const started = Date.now();
  const result: { at: number | null } = { at: null };
  void wait.then(() => (result.at = Date.now() - started));
  return result;
}

describe('what the search indexer gives way to', () => {
  it('waits for receiving to be quiet, then for the sends on their way', async () => {
    const quiet = deferred();
    const sent = deferred();
    const receiving = { whenQuiet: vi.fn(() => quiet.promise) };
    const sending = { whenIdle: vi.fn(() => sent.promise) };
    const wait = track(giveWayToMessaging(receiving, sending));
    expect(receiving.whenQuiet).toHaveBeenCalledWith(INDEX_AFTER_QUIET_MS, INDEX_WAIT_MAX_MS);
    await vi.advanceTimersByTimeAsync(500);
    // The sends are asked only once receiving is quiet: a send that started meanwhile is waited for too.
    expect(sending.whenIdle).not.toHaveBeenCalled();
    quiet.resolve();
    await vi.advanceTimersByTimeAsync(100);
    expect(sending.whenIdle).toHaveBeenCalledOnce();
    expect(wait.at).toBeNull();
    sent.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(wait.at).toBe(600);
  });

  it('waits for sends only so long, so a thousand sends in a row do not hold indexing back', async () => {
    const receiving = { whenQuiet: () => Promise.resolve() };
    const sending = { whenIdle: () => new Promise<void>(() => undefined) };
    const wait = track(giveWayToMessaging(receiving, sending));
    await vi.advanceTimersByTimeAsync(INDEX_SEND_WAIT_MAX_MS - 1);
    expect(wait.at).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(wait.at).toBe(INDEX_SEND_WAIT_MAX_MS);
  });

  it('goes on when a send fails', async () => {
    const receiving = { whenQuiet: () => Promise.resolve() };
    const sending = { whenIdle: () => Promise.reject(new Error('offline')) };
    const wait = track(giveWayToMessaging(receiving, sending));
    await vi.advanceTimersByTimeAsync(0);
    expect(wait.at).toBe(0);
  });
});
