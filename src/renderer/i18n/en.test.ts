// The English table has a sentence for every error id the core can send, each readable and whole with the
// parameters the core gives it; an error with an id is shown as that sentence.
import { describe, expect, it } from 'vitest';
import { ERROR_TEXT_IDS, UpdateOffReason } from '../../shared/ipc';
import { CloseCode } from '../../shared/protocol';
import { en } from './en';
import { errorSentence } from './errorText';
import { formatMessage } from './formatMessage';

describe('the English error sentences', () => {
  it('has a whole sentence for every id, with the parameters main sends', () => {
    // Every parameter any sentence takes, with a sample value; each select's other case is tried too.
    const sample = { who: 'named', user: 'bob', cause: 'connection_lost', reason: 'goingAway', max: 10, seconds: 30, relay: 2, app: 3, address: 'relay', scheme: 'ftp:', code: 'vault_locked' };
    const others = { ...sample, who: 'unnamed', cause: 'something_new', reason: 'somethingNew' };
    for (const id of ERROR_TEXT_IDS) {
      for (const params of [sample, others]) expect(formatMessage('en', en[id], params), id).toMatch(/^[^{}#]+[.!]$/);
    }
  });

  it('has a sentence for every reason a file fails, an update fails or is off, and every close of the relay', () => {
    const fileCauses = ['bad_header', 'chunk_tampered', 'truncated', 'trailing_data', 'digest_mismatch', 'too_large', 'unreadable', 'blob_unavailable', 'transfer_failed', 'cancelled', 'unknown_attachment'];
    const unknownCause = formatMessage('en', en['attachment.failed'], { cause: 'something_new' });
    for (const cause of fileCauses) expect(formatMessage('en', en['attachment.failed'], { cause }), cause).not.toBe(unknownCause);
    const unknownUpdateFailure = formatMessage('en', en['update.failed'], { cause: 'something_new' });
    for (const cause of ['check_failed', 'download_corrupt', 'download_failed', 'not_in_feed', 'unsigned', 'bad_signature', 'not_newer', 'unreadable']) {
      expect(formatMessage('en', en['update.failed'], { cause }), cause).not.toBe(unknownUpdateFailure);
    }
    const offSentences = UpdateOffReason.options.map((cause) => formatMessage('en', en['update.off'], { cause }));
    expect(new Set(offSentences).size).toBe(UpdateOffReason.options.length);
    const unknownClose = formatMessage('en', en['connection.closed_by_relay'], { reason: 'somethingNew' });
    for (const reason of Object.keys(CloseCode)) expect(formatMessage('en', en['connection.closed_by_relay'], { reason }), reason).not.toBe(unknownClose);
  });

  it('tells an error by its id, and falls back to main’s words for an id this build does not know', () => {
    expect(errorSentence({ message: 'user.unknown', text: { id: 'user.unknown', params: { who: 'named', user: 'nobody-here' } } })).toBe('nobody-here does not exist on this relay.');
    expect(errorSentence({ message: 'keys.not_set_up', text: { id: 'keys.not_set_up', params: { who: 'unnamed' } } })).toBe('This user has not set up encryption on this relay yet. Try again later.');
    expect(errorSentence({ message: 'Something new.', text: { id: 'from.a.newer.core' as never } })).toBe('Something new.');
    expect(errorSentence({ message: 'Plain words.' })).toBe('Plain words.');
    // Parameters the sentence cannot take: main's words.
    expect(errorSentence({ message: 'user.unknown', text: { id: 'user.unknown', params: { who: 'named' } } })).toBe('user.unknown');
  });
});
