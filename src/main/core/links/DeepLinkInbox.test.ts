import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '../transport';
import { DeepLinkInbox, MAX_PENDING_DEEP_LINKS } from './DeepLinkInbox';

function recordingLogger() {
  const lines: string[] = [];
  const record = (event: string, fields?: object) => lines.push(JSON.stringify({ event, ...fields }));
  const logger: Logger = { debug: record, info: record, warn: record, error: record };
  return { logger, lines };
}

describe('DeepLinkInbox', () => {
  it('holds links in arrival order until taken, each once', () => {
    const inbox = new DeepLinkInbox(recordingLogger().logger);
    inbox.receive('parley://chat/alice', 'argv');
    inbox.receive('parley://nope/x', 'second-instance');
    expect(inbox.take()).toEqual([
      { status: 'accepted', id: 1, link: { kind: 'chat', username: 'alice' } },
      { status: 'rejected', id: 2, reason: 'unknown_route' },
    ]);
    expect(inbox.take()).toEqual([]);
  });

  it('tells listeners of every arrival, accepted or not', () => {
    const inbox = new DeepLinkInbox(recordingLogger().logger);
    const listener = vi.fn();
    const stop = inbox.onArrival(listener);
    inbox.receive('parley://add/bob', 'open-url');
    inbox.receive('garbage', 'browser-host');
    stop();
    inbox.receive('parley://add/bob', 'open-url');
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('keeps only the newest links when flooded', () => {
    const inbox = new DeepLinkInbox(recordingLogger().logger);
    for (let i = 0; i < MAX_PENDING_DEEP_LINKS + 10; i++) inbox.receive(`parley://chat/user${i}`, 'second-instance');
    const taken = inbox.take();
    expect(taken).toHaveLength(MAX_PENDING_DEEP_LINKS);
    expect(taken.at(-1)).toMatchObject({ link: { username: `user${MAX_PENDING_DEEP_LINKS + 9}` } });
  });

  it('never logs the link text (an invite token is a secret)', () => {
    const { logger, lines } = recordingLogger();
    const inbox = new DeepLinkInbox(logger);
    const token = 'SECRETtoken0123456789abcdef';
    inbox.receive(`parley://join/${token}`, 'argv');
    inbox.receive(`parley://join/${token}?x`, 'argv');
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(token);
  });
});
