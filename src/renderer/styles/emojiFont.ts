// The colour emoji font Parley ships (Noto Color Emoji, SIL OFL 1.1, from @fontsource/noto-color-emoji), so emoji
// look the same on every machine, including Linux desktops with no colour emoji font, where they would be empty
// boxes or grey outlines. It comes first in the text's font list (styles/theme.css) but covers only emoji code
// points, so letters, digits and punctuation keep the system font. The file (about 6 MB, from the app's own bundle)
// is loaded ahead of any emoji on screen, once the signed-in session has stored what waited for it (app/session.ts):
// left to the browser, it would be fetched only when the first emoji is on screen, and that emoji would show as an
// empty box until the font had loaded (font-display: swap); loaded at start, its fetch and decoding (a second of a
// core on a slow machine) would compete with storing a catch-up.
import emojiFontUrl from '@fontsource/noto-color-emoji/files/noto-color-emoji-emoji-400-normal.woff2?url';

/** The family name the stylesheet asks for. */
export const EMOJI_FONT_FAMILY = 'Parley Emoji';

/**
 * Emoji and the characters that join or dress them: Miscellaneous Symbols and Dingbats, the variation selector,
 * zero-width joiner and keycap, regional indicators and pictographs (U+1F000–1FAFF), and the tag characters of
 * subdivision flags. Digits, '#', '*', '©', '™' and arrows are left to the text font, which draws them as text.
 */
const EMOJI_RANGES = 'U+200D, U+20E3, U+231A-231B, U+2328, U+23CF, U+23E9-23FA, U+24C2, U+25AA-25AB, U+25B6, U+25C0, U+25FB-25FE, U+2600-27BF, U+2B1B-2B1C, U+2B50, U+2B55, U+3030, U+303D, U+3297, U+3299, U+FE0F, U+1F000-1FAFF, U+E0020-E007F';

/**
 * The same font under another name and for every character, for text that is only emoji (the picker's cells): there
 * a sequence whose parts include an arrow or a digit (🙂‍↔️ "head shaking", the keycaps 1️⃣ #️⃣, ↔️) is drawn whole,
 * where the text font would draw those parts and break it into a face and a box.
 */
export const WHOLE_EMOJI_FONT_FAMILY = 'Parley Emoji Whole';

/** The face installEmojiFont added, which preloadEmojiFont loads. */
let installed: FontFace | null = null;
let wholeLoading: Promise<void> | null = null;

/** Adds the face to the page's fonts: from then on the browser loads it when an emoji is on screen. */
export function installEmojiFont(fonts: FontFaceSet = document.fonts): void {
  installed = new FontFace(EMOJI_FONT_FAMILY, `url(${emojiFontUrl}) format('woff2')`, { unicodeRange: EMOJI_RANGES, display: 'swap' });
  fonts.add(installed);
}

/** Loads the installed face once the page is next idle, ahead of any emoji on screen. */
export function preloadEmojiFont(whenIdle: (load: () => void) => void = (load) => requestIdleCallback(load)): void {
  const face = installed;
  // A failed load leaves emoji to the system fonts, as before; the browser retries when one is on screen.
  if (face) whenIdle(() => void face.load().catch(() => undefined));
}

/** Adds and loads the whole-emoji face (once; the picker waits for it, so its cells never show half-drawn sequences). */
export function loadWholeEmojiFont(fonts: FontFaceSet = document.fonts): Promise<void> {
  wholeLoading ??= (async () => {
    try {
      const face = new FontFace(WHOLE_EMOJI_FONT_FAMILY, `url(${emojiFontUrl}) format('woff2')`, { display: 'block' });
      fonts.add(face);
      await face.load();
    } catch {
      // Left to the fonts below it.
    }
  })();
  return wholeLoading;
}
