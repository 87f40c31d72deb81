import { describe, expect, it } from 'vitest';
import { readHostMessage } from './hostMessage';

describe('readHostMessage', () => {
  it('takes a result and an event', () => {
    const result = { kind: 'result', id: 3, result: { ok: true, value: [] } };
    const event = { kind: 'event', event: 'messages.received', payload: [{ inboxId: 'a' }] };
    expect(readHostMessage(result)).toBe(result);
    expect(readHostMessage(event)).toBe(event);
  });

  it.each([
    ['null', null],
    ['an array', [{ kind: 'result', id: 1, result: {} }]],
    ['a string', 'result'],
    ['another kind', { kind: 'invoke', id: 1, channel: 'app.info', request: {} }],
    ['no kind', { id: 1, result: {} }],
    ['a result with a fractional id', { kind: 'result', id: 1.5, result: {} }],
    ['a result with a string id', { kind: 'result', id: '1', result: {} }],
    ['a result with another field', { kind: 'result', id: 1, result: {}, event: 'x' }],
    ['an event without a name', { kind: 'event', payload: {} }],
    ['an event with a numeric name', { kind: 'event', event: 7, payload: {} }],
    ['an event with another field', { kind: 'event', event: 'x', payload: {}, id: 1 }],
  ])('refuses %s', (_, value) => {
    expect(readHostMessage(value)).toBeNull();
  });
});
