import { describe, expect, it } from 'vitest';
import { isSafeExternalUrl } from './link-policy';

describe('isSafeExternalUrl', () => {
  it.each(['https://example.org/a?b=c', 'http://example.org', 'mailto:someone@example.org'])('allows %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://host/share',
    'parley://chat/alice',
    'https://user:pass@example.org/',
    'data:text/html,hi',
    'not a url',
    `https://example.org/${'a'.repeat(3000)}`,
  ])('refuses %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
  });
});
