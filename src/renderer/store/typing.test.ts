import { afterEach, describe, expect, it } from 'vitest';
import { TYPING_EXPIRY_MS, useTyping } from './typing';

afterEach(() => useTyping.setState({ typing: {} }));

describe('typing state', () => {
  it('expires on its own and clears on “stopped”', () => {
    const { note, expire } = useTyping.getState();
    note('dm:bob', 'bob', true, 1_000);
    note('group:x', 'carol', true, 3_000);
    expect(Object.keys(useTyping.getState().typing['dm:bob'] ?? {})).toEqual(['bob']);
    expire(1_000 + TYPING_EXPIRY_MS + 1);
    expect(useTyping.getState().typing['dm:bob']).toBeUndefined();
    expect(useTyping.getState().typing['group:x']).toBeDefined();
    useTyping.getState().note('group:x', 'carol', false, 4_000);
    expect(Object.keys(useTyping.getState().typing['group:x'] ?? {})).toEqual([]);
  });
});
