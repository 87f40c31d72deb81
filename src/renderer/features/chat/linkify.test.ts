import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

describe('linkify', () => {
  it('finds web and mail links and leaves the rest as text', () => {
    expect(linkify('see https://example.org/a?b=1. and www.test.dev, or mailto:x@y.z!')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', url: 'https://example.org/a?b=1' },
      { kind: 'text', text: '. and ' },
      { kind: 'link', text: 'www.test.dev', url: 'https://www.test.dev' },
      { kind: 'text', text: ', or ' },
      { kind: 'link', text: 'mailto:x@y.z', url: 'mailto:x@y.z' },
      { kind: 'text', text: '!' },
    ]);
  });

  it('keeps balanced parentheses and drops a closing one around the link', () => {
    expect(linkify('(https://en.wikipedia.org/wiki/Foo_(bar))')[1]).toMatchObject({ url: 'https://en.wikipedia.org/wiki/Foo_(bar)' });
    expect(linkify('(see https://a.example)')[1]).toMatchObject({ url: 'https://a.example' });
  });

  it('never turns other schemes into links', () => {
    expect(linkify('javascript:alert(1) file:///etc/passwd data:text/html,x').every((segment) => segment.kind === 'text')).toBe(true);
  });
});
