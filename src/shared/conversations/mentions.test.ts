import { describe, expect, it } from 'vitest';
import { findMentions, mentionAtCaret, mentionsUser } from './mentions';

const members = new Set(['bob', 'carol', 'dave.smith']);
const known = (name: string) => members.has(name);

describe('mentions', () => {
  it('finds @username of known users only, case-insensitively, with their place in the text', () => {
    const text = 'hi @Bob and @carol, not @mallory';
    expect(findMentions(text, known)).toEqual([
      { start: 3, end: 7, username: 'Bob' },
      { start: 12, end: 18, username: 'carol' },
    ]);
    expect(text.slice(3, 7)).toBe('@Bob');
  });

  it('leaves mail addresses alone and stops before a full stop that is not part of a name', () => {
    expect(findMentions('write to bob@example.org', known)).toEqual([]);
    expect(findMentions('thanks @bob.', known)).toEqual([{ start: 7, end: 11, username: 'bob' }]);
    expect(findMentions('ask @dave.smith.', known)).toEqual([{ start: 4, end: 15, username: 'dave.smith' }]);
    expect(findMentions('(@carol)', known)).toEqual([{ start: 1, end: 7, username: 'carol' }]);
    expect(findMentions('@@bob', known)).toEqual([]);
  });

  it('tells whether a text mentions a user', () => {
    expect(mentionsUser('@ALICE look', 'alice')).toBe(true);
    expect(mentionsUser('@alicea look', 'alice')).toBe(false);
    expect(mentionsUser('alice look', 'alice')).toBe(false);
  });

  it('finds the mention being typed at the caret', () => {
    expect(mentionAtCaret('hello @ca', 9)).toEqual({ start: 6, query: 'ca' });
    expect(mentionAtCaret('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAtCaret('hello @ca there', 15)).toBeNull();
    expect(mentionAtCaret('mail bob@ex', 11)).toBeNull();
    expect(mentionAtCaret('hello @ca there', 9)).toEqual({ start: 6, query: 'ca' });
  });
});
