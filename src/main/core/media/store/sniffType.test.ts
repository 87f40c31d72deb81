import { describe, expect, it } from 'vitest';
import { isExecutable, kindOf, sanitizeFileName, sniffType } from './sniffType';

const hex = (text: string) => Buffer.from(text, 'hex');

describe('sniffType', () => {
  it('goes by the content, not the name', async () => {
    expect(await sniffType(hex('89504e470d0a1a0a0000000d49484452'))).toEqual({ contentType: 'image/png', kind: 'image' });
    expect(await sniffType(Buffer.from('%PDF-1.7\n'))).toEqual({ contentType: 'application/pdf', kind: 'file' });
    expect(await sniffType(Buffer.from('plain words'))).toEqual({ contentType: 'application/octet-stream', kind: 'file' });
    expect(await sniffType(hex('4d5a90000300000004000000ffff0000'))).toMatchObject({ kind: 'file' });
  });

  it('takes a voice note in a WebM container as audio', async () => {
    const webm = hex('1a45dfa3a34286810142f7810142f2810442f381084282847765626d');
    expect(await sniffType(webm)).toEqual({ contentType: 'video/webm', kind: 'video' });
    expect(await sniffType(webm, { voiceNote: true })).toEqual({ contentType: 'audio/webm', kind: 'audio' });
  });

  it('shows an unknown received type as a plain file', () => {
    expect(kindOf('image/png')).toBe('image');
    expect(kindOf('image/svg+xml')).toBe('file');
    expect(kindOf('text/html')).toBe('file');
  });
});

describe('isExecutable', () => {
  it.each([
    ['application/x-msdownload', 'report.pdf'],
    ['application/octet-stream', 'setup.EXE'],
    ['application/octet-stream', 'install.sh'],
    ['application/zip', 'photos.jar'],
  ])('warns for %s named %s', (type, name) => expect(isExecutable(type, name)).toBe(true));
  it('does not warn for a PDF named as one', () => expect(isExecutable('application/pdf', 'report.pdf')).toBe(false));
});

describe('sanitizeFileName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\evil.exe', 'evil.exe'],
    ['.bashrc', 'bashrc'],
    ['report\u202Efdp.exe', 'report_fdp.exe'],
    ['a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['CON.txt', '_CON.txt'],
    ['...', 'attachment'],
    ['', 'attachment'],
  ])('%j becomes %j', (input, expected) => expect(sanitizeFileName(input)).toBe(expected));
  it('keeps the extension when shortening', () => {
    const long = sanitizeFileName(`${'x'.repeat(300)}.pdf`);
    expect(long).toHaveLength(120);
    expect(long.endsWith('.pdf')).toBe(true);
  });
});
