// The emoji the pickers offer: Unicode's emoji from emojibase-data's English dataset (names and keywords from CLDR),
// in Unicode's groups and order. The dataset is large, so it is its own chunk, loaded the first time a picker opens.
// Emoji newer than the shipped colour font draws (styles/emojiFont.ts) are left out, so none shows as a box.
import { fold } from '../../db/search/words';
import { loadWholeEmojiFont } from '../../styles/emojiFont';

export interface EmojiEntry {
  emoji: string;
  /** Unicode's name, e.g. "thumbs up". */
  name: string;
  /** Folded words of the name and keywords, for search. */
  words: string[];
  order: number;
}

export interface EmojiCategory {
  id: string;
  label: string;
  emoji: EmojiEntry[];
}

/** Newest Emoji version the shipped Noto Color Emoji draws. */
export const NEWEST_EMOJI_VERSION = 16;

/** Unicode's groups, with the labels shown; group 2 (skin tones, hair components) is not offered on its own. */
const GROUPS: { group: number; id: string; label: string }[] = [
  { group: 0, id: 'smileys', label: 'Smileys & emotion' },
  { group: 1, id: 'people', label: 'People & body' },
  { group: 3, id: 'nature', label: 'Animals & nature' },
  { group: 4, id: 'food', label: 'Food & drink' },
  { group: 5, id: 'travel', label: 'Travel & places' },
  { group: 6, id: 'activities', label: 'Activities' },
  { group: 7, id: 'objects', label: 'Objects' },
  { group: 8, id: 'symbols', label: 'Symbols' },
  { group: 9, id: 'flags', label: 'Flags' },
];

interface DatasetEmoji {
  emoji: string;
  label: string;
  tags?: string[];
  group?: number;
  order?: number;
  version: number;
}

/** Builds the categories from the dataset's entries (exported for tests, which pass a few entries). */
export function categoriesOf(dataset: readonly DatasetEmoji[]): EmojiCategory[] {
  const byGroup = new Map<number, EmojiEntry[]>();
  for (const item of dataset) {
    if (item.group === undefined || item.order === undefined || item.version > NEWEST_EMOJI_VERSION) continue;
    const words = [...new Set([item.label, ...(item.tags ?? [])].flatMap((text) => fold(text).split(/[^\p{L}\p{N}+-]+/u)).filter(Boolean))];
    const entries = byGroup.get(item.group) ?? [];
    entries.push({ emoji: withoutNeedlessSelector(item.emoji), name: item.label, words, order: item.order });
    byGroup.set(item.group, entries);
  }
  return GROUPS.flatMap(({ group, id, label }) => {
    const emoji = (byGroup.get(group) ?? []).sort((a, b) => a.order - b.order);
    return emoji.length > 0 ? [{ id, label, emoji }] : [];
  });
}

/**
 * The dataset writes some emoji with a variation selector they do not need ("👍" + U+FE0F); Unicode's fully
 * qualified form, which the quick reactions use, has none after a character drawn as emoji by default. Without
 * this, 👍 picked here and 👍 from the quick row would be two different reactions.
 */
function withoutNeedlessSelector(emoji: string): string {
  return emoji.replace(/(\p{Emoji_Presentation})\uFE0F/gu, '$1');
}

let loading: Promise<EmojiCategory[]> | undefined;

export function loadEmojiCatalog(): Promise<EmojiCategory[]> {
  loading ??= Promise.all([import('emojibase-data/en/data.json'), loadWholeEmojiFont()]).then(([module]) => categoriesOf(module.default as DatasetEmoji[]));
  // A failed load (a broken bundle) may be tried again on the next open.
  loading.catch(() => (loading = undefined));
  return loading;
}

/**
 * Emoji whose name or keywords hold every word of the query as a word prefix ("thumb up", "heart", "+1"), those
 * whose name starts with the query first, then in Unicode's order.
 */
export function searchEmoji(categories: readonly EmojiCategory[], query: string): EmojiEntry[] {
  const folded = fold(query).trim();
  const terms = folded.split(/\s+/u).filter(Boolean);
  if (terms.length === 0) return [];
  const found = categories.flatMap((category) => category.emoji).filter((entry) => terms.every((term) => entry.words.some((word) => word.startsWith(term))));
  const rank = (entry: EmojiEntry) => (fold(entry.name).startsWith(folded) ? 0 : 1);
  return found.sort((a, b) => rank(a) - rank(b) || a.order - b.order);
}
