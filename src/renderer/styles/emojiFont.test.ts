import { afterEach, describe, expect, it, vi } from 'vitest';
import { EMOJI_FONT_FAMILY, WHOLE_EMOJI_FONT_FAMILY, emojiFaceCovers, installEmojiFont, loadWholeEmojiFont, preloadEmojiFont } from './emojiFont';

/** A FontFace that records its loads (happy-dom has none). */
class RecordingFace {
  loads = 0;
  constructor(
    readonly family: string,
    readonly source: string,
    readonly descriptors: FontFaceDescriptors = {},
  ) {}
  load(): Promise<this> {
    this.loads += 1;
    return Promise.resolve(this);
  }
}

/** The text's face and the whole face, as installEmojiFont added them. */
function installed(): [text: RecordingFace, whole: RecordingFace] {
  const added: RecordingFace[] = [];
  installEmojiFont({ add: (face: RecordingFace) => added.push(face) } as unknown as FontFaceSet);
  expect(added).toHaveLength(2);
  return [added[0]!, added[1]!];
}

describe('emoji font', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is added to the page’s fonts at start but not loaded: a catch-up stored at start has the CPU to itself', () => {
    vi.stubGlobal('FontFace', RecordingFace);
    const idle = vi.fn();
    vi.stubGlobal('requestIdleCallback', idle);
    const [face, whole] = installed();
    expect(face.family).toBe(EMOJI_FONT_FAMILY);
    expect(face.source).toMatch(/\.woff2/);
    expect(face.descriptors.unicodeRange).toContain('U+1F000-1FAFF');
    expect(face.loads).toBe(0);
    expect(whole.loads).toBe(0);
    expect(idle).not.toHaveBeenCalled();
  });

  it('is loaded at the next idle period once preloaded, ahead of any emoji on screen', () => {
    vi.stubGlobal('FontFace', RecordingFace);
    const [face, whole] = installed();
    let whenIdle: (() => void) | undefined;
    preloadEmojiFont((load) => (whenIdle = load));
    expect(face.loads).toBe(0);
    whenIdle!();
    expect(face.loads).toBe(1);
    expect(whole.loads).toBe(0);
  });

  it('is added once more for every character, loaded when the picker asks (its cells are only emoji)', async () => {
    vi.stubGlobal('FontFace', RecordingFace);
    const [face, whole] = installed();
    expect(whole.family).toBe(WHOLE_EMOJI_FONT_FAMILY);
    expect(whole.source).toBe(face.source);
    expect(whole.descriptors.unicodeRange).toBeUndefined();
    await loadWholeEmojiFont();
    expect(whole.loads).toBe(1);
    expect(face.loads).toBe(0);
  });

  it('covers emoji and their joiners, not the digits, signs and arrows a sequence may start with', () => {
    for (const char of ['😀', '\u200d', '\ufe0f', '\u20e3', '❤', '🇫']) expect(emojiFaceCovers(char.codePointAt(0)!), char).toBe(true);
    for (const char of ['1', '#', '*', '©', '®', '™', '↔', 'a']) expect(emojiFaceCovers(char.codePointAt(0)!), char).toBe(false);
  });
});
