import { describe, expect, it, vi } from 'vitest';
import { MAX_RECEIVED_PER_EVENT, type IpcResult, type ParleyBridge } from '../shared/ipc';
import { IpcError, invoke, subscribe } from './ipc';
import { textFrom } from './testing/messages';

function install(bridge: Partial<ParleyBridge>) {
  (window as unknown as { parley: Partial<ParleyBridge> }).parley = bridge;
}

/** A bridge whose events the test emits itself (each subscription takes the latest listener). */
function installEventBridge(): (payload: unknown) => void {
  let listen: (payload: unknown) => void = () => undefined;
  install({
    on: (_event, listener) => {
      listen = listener;
      return () => undefined;
    },
  });
  return (payload) => listen(payload);
}

describe('the renderer IPC client', () => {
  it('turns an error result into an IpcError with code, message and retryable', async () => {
    install({ invoke: async () => ({ ok: false, error: { code: 'offline', message: 'Not connected.', retryable: true } }) satisfies IpcResult<never> });
    const error = await invoke('connection.retry', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IpcError);
    expect(error).toMatchObject({ code: 'offline', message: 'Not connected.', retryable: true });
  });

  it('tells an error main sent as a string-table id in the words of the table, with its parameters', async () => {
    install({
      invoke: async () =>
        ({ ok: false, error: { code: 'unknown_user', message: 'user.unknown', retryable: false, text: { id: 'user.unknown', params: { who: 'named', user: 'nobody-here' } } } }) satisfies IpcResult<never>,
    });
    await expect(invoke('contacts.add', { username: 'nobody-here' })).rejects.toMatchObject({ code: 'unknown_user', message: 'nobody-here does not exist on this relay.' });
  });

  it('drops an event payload that breaks the contract', () => {
    const emit = installEventBridge();
    const listener = vi.fn();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    subscribe('connection.changed', listener);
    emit({ state: 'teleporting' });
    emit({ state: 'online', attempt: 0, nextRetryAt: null, lastError: null });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith({ state: 'online', attempt: 0, nextRetryAt: null, lastError: null });
    expect(warn).toHaveBeenCalledWith('parley.ipc_event_rejected', expect.objectContaining({ event: 'connection.changed' }));
    warn.mockRestore();
  });

  it('takes received messages as one batch per event: an empty or oversized batch, or one bad message, is dropped whole', () => {
    const emit = installEventBridge();
    const listener = vi.fn();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    subscribe('messages.received', listener);
    const message = (n: number) => textFrom('bob', `m${n}`, `text ${n}`);
    emit([]);
    emit(Array.from({ length: MAX_RECEIVED_PER_EVENT + 1 }, (_, n) => message(n)));
    emit([message(1), { ...message(2), content: { kind: 'text', body: '' } }]);
    emit(message(3));
    expect(listener).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(4);
    const batch = Array.from({ length: MAX_RECEIVED_PER_EVENT }, (_, n) => message(n));
    emit(batch);
    expect(listener).toHaveBeenCalledWith(batch);
    warn.mockRestore();
  });

  it('says plainly when there is no window.parley', async () => {
    delete (window as unknown as { parley?: unknown }).parley;
    await expect(invoke('app.info', {})).rejects.toMatchObject({ code: 'internal', message: 'Parley is not connected to its main process.' });
  });
});
