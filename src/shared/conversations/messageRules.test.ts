import { describe, expect, it } from 'vitest';
import { EDIT_WINDOW_MS, QUOTE_SNIPPET_CHARS, isSingleEmoji, quoteSnippet, withinEditWindow } from './messageRules';

describe('message rules', () => {
  it('accepts one emoji (with modifiers, joiners, flags and keycaps) and nothing else as a reaction', () => {
    for (const emoji of ['👍', '❤️', '👍🏽', '👩‍👩‍👧‍👦', '🇳🇴', '🙏', '1️⃣', '#️⃣', '🙂‍↔️']) expect(isSingleEmoji(emoji), emoji).toBe(true);
    for (const text of ['', 'a', '👍👍', '👍 ', ' 👍', 'ok👍', '1', '\u200d', '\u20e3', '1️⃣2️⃣']) expect(isSingleEmoji(text), JSON.stringify(text)).toBe(false);
  });

  it('allows edits and deletes for 24 hours after sending, not a moment longer', () => {
    expect(withinEditWindow(1_000, 1_000 + EDIT_WINDOW_MS)).toBe(true);
    expect(withinEditWindow(1_000, 1_001 + EDIT_WINDOW_MS)).toBe(false);
    expect(withinEditWindow(1_000, 500)).toBe(true);
  });

  it('cuts a quoted snippet to its limit without splitting a character', () => {
    expect(quoteSnippet('short')).toBe('short');
    const long = '😀'.repeat(150);
    const snippet = quoteSnippet(long);
    expect(snippet.length).toBeLessThanOrEqual(QUOTE_SNIPPET_CHARS);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet.slice(0, -1)).toBe('😀'.repeat(99));
  });
});
