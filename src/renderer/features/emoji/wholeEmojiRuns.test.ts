import { describe, expect, it, vi } from 'vitest';
import emojibase from 'emojibase-data/en/data.json';
import { emojiFaceCovers } from '../../styles/emojiFont';
import { wholeEmojiRuns } from './wholeEmojiRuns';

/** Every RGI emoji: each code point that is one, and every sequence emojibase lists (skin tones included). */
function everyRgiEmoji(): string[] {
  const rgi = new RegExp('^\\p{RGI_Emoji}$', 'v');
  const found = new Set<string>();
  for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
    const char = String.fromCodePoint(codePoint);
    if (rgi.test(char)) found.add(char);
  }
  for (const entry of emojibase) for (const emoji of [entry.emoji, ...(entry.skins ?? []).map((skin) => skin.emoji)]) if (rgi.test(emoji)) found.add(emoji);
  return [...found];
}

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

  it('every RGI emoji the text font would break holds the variation selector or the keycap mark (what is checked first)', () => {
    const all = everyRgiEmoji();
    expect(all.length).toBeGreaterThan(3_500);
    const broken = all.filter((emoji) => [...emoji].some((char) => !emojiFaceCovers(char.codePointAt(0)!)));
    expect(broken).toEqual(expect.arrayContaining(['1️⃣', '#️⃣', '©️', '™️', '↔️', '🙂‍↔️']));
    expect(broken.filter((emoji) => !/[\ufe0f\u20e3]/u.test(emoji))).toEqual([]);
  });

  it('matches no emoji in text without the variation selector or the keycap mark: digits, dates, signs, punctuation', () => {
    const matchAll = vi.spyOn(String.prototype, 'matchAll');
    try {
      for (const text of ['catch-up message 4999', 'call 112 at 10:30 → © 2026 ™', '“quoted” — 3…', '😀 #1 *']) {
        expect(wholeEmojiRuns(text), text).toEqual([{ kind: 'text', text }]);
      }
      expect(matchAll).not.toHaveBeenCalled();
    } finally {
      matchAll.mockRestore();
    }
  });
});
