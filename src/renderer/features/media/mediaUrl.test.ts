// A media URL request main refuses is told from the string table by its code, not in the words main's answer carries.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediaRequestError, stageFile } from './mediaUrl';

afterEach(() => vi.unstubAllGlobals());

function answer(status: number, body: unknown): void {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })));
}

describe('media URL requests', () => {
  it('tells a refused file by its code, in the table’s words', async () => {
    answer(413, { error: 'too_large', message: 'Words main wrote.' });
    const failure = await stageFile(new Blob(['x']), 'big.bin').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MediaRequestError);
    expect(failure).toMatchObject({ code: 'too_large', message: 'The file is too large.' });
  });

  it('says something general for a code it does not know, or no answer at all', async () => {
    answer(500, { error: 'something_new' });
    await expect(stageFile(new Blob(['x']), 'a.bin')).rejects.toMatchObject({ code: 'something_new', message: 'The file could not be transferred.' });
    vi.stubGlobal('fetch', vi.fn(async () => new Response('not json', { status: 502 })));
    await expect(stageFile(new Blob(['x']), 'a.bin')).rejects.toMatchObject({ code: 'internal', message: 'The file could not be transferred.' });
  });
});
