import { describe, expect, it } from 'vitest';
import { jumboEmojiCount } from './jumboEmoji';

describe('jumboEmojiCount', () => {
  it('counts one to three emoji, with or without spaces between them', () => {
    expect(jumboEmojiCount('👍')).toBe(1);
    expect(jumboEmojiCount('❤️')).toBe(1);
    expect(jumboEmojiCount('😂😂')).toBe(2);
    expect(jumboEmojiCount(' 🎉 🎂 🥳 ')).toBe(3);
  });

  it('counts a sequence as one emoji: skin tones, families, flags and keycaps', () => {
    expect(jumboEmojiCount('👋🏽')).toBe(1);
    expect(jumboEmojiCount('👩‍👩‍👧‍👦')).toBe(1);
    expect(jumboEmojiCount('🇫🇷🇯🇵')).toBe(2);
    expect(jumboEmojiCount('1️⃣')).toBe(1);
  });

  it('keeps the normal size for more than three emoji or any other text', () => {
    expect(jumboEmojiCount('😀😀😀😀')).toBe(0);
    expect(jumboEmojiCount('ok 👍')).toBe(0);
    expect(jumboEmojiCount('👍!')).toBe(0);
    expect(jumboEmojiCount('1')).toBe(0);
    expect(jumboEmojiCount('🇫')).toBe(0);
    expect(jumboEmojiCount('')).toBe(0);
    expect(jumboEmojiCount('   ')).toBe(0);
    expect(jumboEmojiCount('👍'.repeat(60))).toBe(0);
  });
});
