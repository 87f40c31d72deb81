// Words of a message as search sees them: split by Intl.Segmenter (so scripts without spaces split into words
// too), folded to lower case without diacritics ("Café" and "cafe" are one word). Indexing, querying and
// highlighting all use these functions, so what is found is exactly what is highlighted.

export interface Word {
  /** The folded form that is indexed and compared. */
  folded: string;
  /** Where the word is in the original text (UTF-16 offsets), for highlighting. */
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
const MARKS = /\p{M}/gu;

/** Lower case, compatibility-decomposed, combining marks removed: "Ÿ", "ÿ" and "y" fold alike. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

export function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const segment of segmenter.segment(text)) {
    if (!segment.isWordLike) continue;
    const folded = fold(segment.segment);
    if (folded.length > 0) words.push({ folded, start: segment.index, end: segment.index + segment.segment.length });
  }
  return words;
}

/** Whether every query word is the beginning of some word of the text (prefix matching, all words needed). */
export function matchesAll(textWords: readonly Word[], queryWords: readonly string[]): boolean {
  return queryWords.every((query) => textWords.some((word) => word.folded.startsWith(query)));
}

/** The ranges of the text to highlight: every word that some query word begins. */
export function highlights(textWords: readonly Word[], queryWords: readonly string[]): { start: number; end: number }[] {
  return textWords.filter((word) => queryWords.some((query) => word.folded.startsWith(query))).map(({ start, end }) => ({ start, end }));
}
