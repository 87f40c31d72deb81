import { describe, expect, it } from 'vitest';
import { wholeEmojiRuns } from './wholeEmojiRuns';

describe('wholeEmojiRuns', () => {
  it('cuts out the sequences the text font would break: keycaps, ©️ ™️, arrows, head shaking', () => {
    expect(wholeEmojiRuns('press 1️⃣ then #️⃣')).toEqual([
      { kind: 'text', text: 'press ' },
      { kind: 'whole-emoji', text: '1️⃣' },
      { kind: 'text', text: ' then ' },
      { kind: 'whole-emoji', text: '#️⃣' },
    ]);
    expect(wholeEmojiRuns('©️™️↔️')).toEqual([
      { kind: 'whole-emoji', text: '©️' },
      { kind: 'whole-emoji', text: '™️' },
      { kind: 'whole-emoji', text: '↔️' },
    ]);
    expect(wholeEmojiRuns('no 🙂‍↔️!')).toEqual([
      { kind: 'text', text: 'no ' },
      { kind: 'whole-emoji', text: '🙂‍↔️' },
      { kind: 'text', text: '!' },
    ]);
  });

  it('leaves the rest as text: digits, signs and arrows without their emoji form, and emoji the emoji face draws whole', () => {
    for (const text of ['call 112 at 10:30 → © 2026 ™', 'grinning 😀, heart ❤️, flag 🇫🇷, family 👩‍👩‍👧', '', 'שלום 123']) {
      expect(wholeEmojiRuns(text), text).toEqual([{ kind: 'text', text }]);
    }
  });
});
