import { describe, expect, it, vi } from 'vitest';
import { TypingNotifier } from './typingNotifier';

describe('typing notices', () => {
  it('says “typing” at most every 3 s while typing and “stopped” once', async () => {
    let now = 0;
    const send = vi.fn(async () => undefined);
    const notifier = new TypingNotifier('dm:bob', () => true, send, () => now);
    notifier.input('h');
    now = 1_000;
    notifier.input('he');
    now = 3_500;
    notifier.input('hel');
    notifier.stop();
    notifier.stop();
    expect(send.mock.calls).toEqual([
      ['dm:bob', true],
      ['dm:bob', true],
      ['dm:bob', false],
    ]);
  });

  it('sends nothing while offline', () => {
    const send = vi.fn(async () => undefined);
    const notifier = new TypingNotifier('dm:bob', () => false, send);
    notifier.input('hello');
    notifier.stop();
    expect(send).not.toHaveBeenCalled();
  });
});
