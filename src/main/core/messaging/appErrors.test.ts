// Failures below the messenger become AppErrors that name a sentence of the renderer's string table with its
// parameters, not an English sentence: retryable where trying again can help, final where it cannot.
import { describe, expect, it } from 'vitest';
import { CryptoError } from '../../../shared/crypto/errors';
import { AppError } from '../../../shared/ipc';
import { TransportError } from '../transport';
import { VaultError } from '../vault';
import { toAppError } from './appErrors';

const body = (error: AppError) => error.toBody();

describe('toAppError', () => {
  it('names the sentence and its parameters; the message is the id, never English', () => {
    expect(body(toAppError(new TransportError('unknown_user', 'No one with that username on this relay.', false), 'contact', 'nobody-here'))).toEqual({
      code: 'unknown_user',
      message: 'user.unknown',
      retryable: false,
      text: { id: 'user.unknown', params: { who: 'named', user: 'nobody-here' } },
    });
    expect(body(toAppError(new CryptoError('bad_signature', 'bad'), 'send'))).toMatchObject({ code: 'bad_bundle', text: { id: 'keys.invalid', params: { who: 'unnamed' } } });
    expect(body(toAppError(new VaultError('vault_io', 'disk full'), 'send'))).toMatchObject({ code: 'send_failed', retryable: true, text: { id: 'vault.write_failed' } });
    expect(body(toAppError(new Error('boom'), 'send'))).toMatchObject({ code: 'internal', retryable: true, text: { id: 'internal' } });
  });

  it('says a send waits for the connection and a contact request is tried again by the user', () => {
    const offline = new TransportError('offline', 'Not connected.', true);
    expect(toAppError(offline, 'send').text).toEqual({ id: 'offline.will_send' });
    expect(toAppError(offline, 'contact').text).toEqual({ id: 'offline.try_again' });
  });

  it('keeps the relay’s reason as a parameter, retryable or not', () => {
    expect(body(toAppError(new TransportError('mailbox_full', 'full', true), 'send'))).toMatchObject({ code: 'send_failed', retryable: true, text: { id: 'relay.retrying', params: { cause: 'mailbox_full' } } });
    expect(body(toAppError(new TransportError('too_many_recipients', 'too many', false), 'send'))).toMatchObject({ code: 'send_failed', retryable: false, text: { id: 'relay.refused', params: { cause: 'too_many_recipients' } } });
    expect(body(toAppError(new TransportError('no_prekeys', 'none', true), 'contact', 'bob'))).toMatchObject({ code: 'bad_bundle', text: { id: 'keys.not_set_up', params: { who: 'named', user: 'bob' } } });
  });

  it('passes an AppError through as it is', () => {
    const error = new AppError('blocked', { id: 'send.blocked', params: { user: 'bob' } });
    expect(toAppError(error, 'send')).toBe(error);
  });
});
