// The ICU subset the string tables use: parameters, select, plural with # and exact cases, quoted apostrophes.
import { describe, expect, it } from 'vitest';
import { formatMessage } from './formatMessage';

describe('formatMessage', () => {
  it('puts parameters in, chooses by select and by the locale’s plural rules', () => {
    expect(formatMessage('en', 'Hello {name}!', { name: 'Ada' })).toBe('Hello Ada!');
    const whose = '{who, select, named {{user}’s} other {This user’s}} keys';
    expect(formatMessage('en', whose, { who: 'named', user: 'bob' })).toBe('bob’s keys');
    expect(formatMessage('en', whose, { who: 'unnamed' })).toBe('This user’s keys');
    const files = '{count, plural, =0 {No files} one {# file} other {# files}} from {user}';
    expect([0, 1, 2, 1000].map((count) => formatMessage('en', files, { count, user: 'bob' }))).toEqual(['No files from bob', '1 file from bob', '2 files from bob', '1000 files from bob']);
    expect(formatMessage('en', "It''s {n, plural, one {one} other {#}}", { n: 3 })).toBe("It's 3");
  });

  it('uses the plural rules of the locale it is given', () => {
    // Polish: one, few, many.
    const pl = '{n, plural, one {# plik} few {# pliki} many {# plików} other {# pliku}}';
    expect([1, 2, 5].map((n) => formatMessage('pl', pl, { n }))).toEqual(['1 plik', '2 pliki', '5 plików']);
  });

  it('refuses a message it cannot read and a missing parameter', () => {
    expect(() => formatMessage('en', 'Hello {name', { name: 'x' })).toThrow(SyntaxError);
    expect(() => formatMessage('en', 'Hello }', {})).toThrow(SyntaxError);
    expect(() => formatMessage('en', '{a, select, x {1}}', { a: 'x' })).toThrow(/other/);
    expect(() => formatMessage('en', '{a, number}', { a: 1 })).toThrow(/unsupported/);
    expect(() => formatMessage('en', 'Hello {name}', {})).toThrow(RangeError);
  });
});
