// The pickers' emoji: Unicode's groups from the shipped dataset, search by name and keywords, and arrow moves
// through sectioned rows.
import { describe, expect, it } from 'vitest';
import { QUICK_REACTIONS } from '../../../shared/conversations/messageRules';
import { loadEmojiCatalog, searchEmoji } from './emojiCatalog';
import { moveInGrid } from './gridMoves';

describe('emoji catalog', () => {
  it('offers Unicode’s groups in order, without skin-tone components, in the quick reactions’ spelling', async () => {
    const catalog = await loadEmojiCatalog();
    expect(catalog.map((category) => category.label)).toEqual([
      'Smileys & emotion',
      'People & body',
      'Animals & nature',
      'Food & drink',
      'Travel & places',
      'Activities',
      'Objects',
      'Symbols',
      'Flags',
    ]);
    expect(catalog[0]!.emoji[0]!.emoji).toBe('😀');
    const all = new Set(catalog.flatMap((category) => category.emoji.map((entry) => entry.emoji)));
    expect(all.size).toBeGreaterThan(1_800);
    for (const quick of QUICK_REACTIONS) expect(all.has(quick)).toBe(true);
  });

  it('finds emoji by every word of the query as a prefix of the name or a keyword, names starting with it first', async () => {
    const catalog = await loadEmojiCatalog();
    const names = (query: string) => searchEmoji(catalog, query).map((entry) => entry.name);
    expect(names('thumbs up')[0]).toBe('thumbs up');
    expect(searchEmoji(catalog, '+1').map((entry) => entry.emoji)).toContain('👍');
    expect(names('Party')).toEqual(expect.arrayContaining(['partying face', 'party popper']));
    expect(names('party')[0]).toBe('partying face');
    expect(names('hear')).toContain('red heart');
    expect(names('red hea')).toContain('red heart');
    expect(names('zzqx')).toEqual([]);
    expect(names('   ')).toEqual([]);
  });
});

describe('moving through the grid', () => {
  // Sections of 10, 0 (skipped) and 3 emoji, 4 to a row.
  const sizes = [10, 0, 3];
  it('walks in order across sections with left and right, and stops at the ends', () => {
    expect(moveInGrid(sizes, 4, { section: 0, index: 9 }, 'right')).toEqual({ section: 2, index: 0 });
    expect(moveInGrid(sizes, 4, { section: 2, index: 0 }, 'left')).toEqual({ section: 0, index: 9 });
    expect(moveInGrid(sizes, 4, { section: 0, index: 0 }, 'left')).toEqual({ section: 0, index: 0 });
    expect(moveInGrid(sizes, 4, { section: 2, index: 2 }, 'right')).toEqual({ section: 2, index: 2 });
  });

  it('keeps the column going up and down, into the short last row and across sections', () => {
    expect(moveInGrid(sizes, 4, { section: 0, index: 1 }, 'down')).toEqual({ section: 0, index: 5 });
    expect(moveInGrid(sizes, 4, { section: 0, index: 7 }, 'down')).toEqual({ section: 0, index: 9 });
    expect(moveInGrid(sizes, 4, { section: 0, index: 9 }, 'down')).toEqual({ section: 2, index: 1 });
    expect(moveInGrid(sizes, 4, { section: 2, index: 2 }, 'up')).toEqual({ section: 0, index: 9 });
    expect(moveInGrid(sizes, 4, { section: 2, index: 0 }, 'up')).toEqual({ section: 0, index: 8 });
    expect(moveInGrid(sizes, 4, { section: 0, index: 2 }, 'up')).toEqual({ section: 0, index: 2 });
  });
});
