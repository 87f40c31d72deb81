import { afterEach, describe, expect, it, vi } from 'vitest';
import { EMOJI_FONT_FAMILY, WHOLE_EMOJI_FONT_FAMILY, installEmojiFont, loadWholeEmojiFont, preloadEmojiFont } from './emojiFont';

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

function installed(): RecordingFace {
  const added: RecordingFace[] = [];
  installEmojiFont({ add: (face: RecordingFace) => added.push(face) } as unknown as FontFaceSet);
  expect(added).toHaveLength(1);
  return added[0]!;
}

describe('emoji font', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is added to the page’s fonts at start but not loaded: a catch-up stored at start has the CPU to itself', () => {
    vi.stubGlobal('FontFace', RecordingFace);
    const idle = vi.fn();
    vi.stubGlobal('requestIdleCallback', idle);
    const face = installed();
    expect(face.family).toBe(EMOJI_FONT_FAMILY);
    expect(face.source).toMatch(/\.woff2/);
    expect(face.loads).toBe(0);
    expect(idle).not.toHaveBeenCalled();
  });

  it('is loaded at the next idle period once preloaded, ahead of any emoji on screen', () => {
    vi.stubGlobal('FontFace', RecordingFace);
    const face = installed();
    let whenIdle: (() => void) | undefined;
    preloadEmojiFont((load) => (whenIdle = load));
    expect(face.loads).toBe(0);
    whenIdle!();
    expect(face.loads).toBe(1);
  });

  it('for text that is only emoji, is added once more for every character and loaded when asked (the picker asks)', async () => {
    vi.stubGlobal('FontFace', RecordingFace);
    const added: RecordingFace[] = [];
    const fonts = { add: (face: RecordingFace) => added.push(face) } as unknown as FontFaceSet;
    await Promise.all([loadWholeEmojiFont(fonts), loadWholeEmojiFont(fonts)]);
    expect(added).toHaveLength(1);
    expect(added[0]!.family).toBe(WHOLE_EMOJI_FONT_FAMILY);
    expect(added[0]!.descriptors.unicodeRange).toBeUndefined();
    expect(added[0]!.loads).toBe(1);
  });
});
