import { describe, expect, it } from 'vitest';
import { EXPIRY_TIMER_CHOICES } from '../../../shared/conversations/messageRules';
import { previewOf } from '../chats/preview';
import { describeTimer, timerLength } from './describeTimer';

describe('timer wording', () => {
  it('names every offered timer in words', () => {
    expect(EXPIRY_TIMER_CHOICES.map(timerLength)).toEqual(['off', '30 seconds', '5 minutes', '1 hour', '1 day', '1 week']);
    expect(timerLength(90)).toBe('90 seconds');
  });

  it('says who changed the timer, in the chat and in the chat list', () => {
    expect(describeTimer(30, 'alice', 'alice')).toBe('You set disappearing messages to 30 seconds.');
    expect(describeTimer(0, 'bob', 'alice')).toBe('bob turned off disappearing messages.');
    const line = { seq: 1, conversationId: 'dm:bob', messageId: 't', sender: 'bob', direction: 'system' as const, body: '', timestamp: 1, timer: { seconds: 3600 } };
    expect(previewOf(line, 'alice', false)).toEqual({ author: null, text: 'bob set disappearing messages to 1 hour.' });
    expect(previewOf({ ...line, direction: 'in', deleted: true, timer: undefined }, 'alice', false)).toEqual({ author: null, text: 'This message was deleted.' });
  });
});
