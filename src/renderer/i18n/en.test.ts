// The English table has a sentence for every error id the core can send, each readable and whole with the
// parameters the core gives it; an error with an id is shown as that sentence.
import { describe, expect, it } from 'vitest';
import { ERROR_TEXT_IDS } from '../../shared/ipc';
import { en } from './en';
import { errorSentence } from './errorText';
import { formatMessage } from './formatMessage';

describe('the English error sentences', () => {
  it('has a whole sentence for every id, with the parameters main sends', () => {
    const samples: Record<string, string>[] = [{}, { who: 'named', user: 'bob' }, { who: 'unnamed' }, { cause: 'connection_lost' }, { cause: 'something_new' }];
    for (const id of ERROR_TEXT_IDS) {
      const readable = samples.flatMap((params) => {
        try {
          return [formatMessage('en', en[id], params)];
        } catch {
          return [];
        }
      });
      expect(readable.length, id).toBeGreaterThan(0);
      for (const sentence of readable) expect(sentence, id).toMatch(/^[^{}#]+[.!]$/);
    }
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
