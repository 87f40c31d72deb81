import { describe, expect, it, vi } from 'vitest';
import { createIpcDispatcher, type IpcHandlers } from './dispatcher';
import { AppError } from './errors';
import { INVOKE_CHANNELS } from './channelNames';
import { RelayUrlList, type AccountView, type ConnectionSnapshot } from './schemas';

const snapshot: ConnectionSnapshot = { state: 'online', attempt: 0, nextRetryAt: null, lastError: null };
const account: AccountView = {
  username: 'alice',
  device: 1,
  relayUrls: ['ws://127.0.0.1:8787/v1/ws'],
  identityKey: 'AAAA',
  keyProtection: { osKeychain: true, warning: null },
};

function setup(overrides: Partial<IpcHandlers> = {}) {
  const notUsed = async () => {
    throw new Error('not used by this test');
  };
  const handlers = Object.fromEntries(INVOKE_CHANNELS.map((channel) => [channel, vi.fn(notUsed)])) as unknown as IpcHandlers;
  Object.assign(handlers, {
    'account.get': vi.fn(async () => account),
    'account.create': vi.fn(async () => account),
    'connection.get': vi.fn(async () => snapshot),
    ...overrides,
  });
  const log = { error: vi.fn() };
  return { handlers, log, dispatch: createIpcDispatcher(handlers, log) };
}

const trusted = { trusted: true };

describe('IPC dispatcher', () => {
  it('runs the handler for a valid request and returns its value', async () => {
    const { dispatch, handlers } = setup();
    const result = await dispatch('account.create', { username: 'alice', relayUrl: 'ws://localhost:8787/v1/ws' }, trusted);
    expect(result).toEqual({ ok: true, value: account });
    expect(handlers['account.create']).toHaveBeenCalledWith({ username: 'alice', relayUrl: 'ws://localhost:8787/v1/ws' });
  });

  it('rejects an untrusted sender before anything runs', async () => {
    const { dispatch, handlers } = setup();
    const result = await dispatch('account.get', {}, { trusted: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(handlers['account.get']).not.toHaveBeenCalled();
  });

  it.each([
    ['an unknown channel', 'account.delete', {}],
    ['a prototype key as channel', 'toString', {}],
    ['a non-string channel', 42, {}],
  ])('rejects %s', async (_name, channel, request) => {
    const { dispatch } = setup();
    expect(await dispatch(channel, request, trusted)).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it.each([
    ['a missing field', { username: 'alice' }],
    ['a short username', { username: 'al', relayUrl: 'ws://localhost:8787/v1/ws' }],
    ['an extra field', { username: 'alice', relayUrl: 'ws://localhost:8787/v1/ws', admin: true }],
    ['a non-URL relay', { username: 'alice', relayUrl: 'not a url' }],
    ['plain ws:// to a remote host', { username: 'alice', relayUrl: 'ws://relay.example.org/v1/ws' }],
    ['an http URL', { username: 'alice', relayUrl: 'https://relay.example.org/' }],
    ['credentials in the URL', { username: 'alice', relayUrl: 'wss://u:p@relay.example.org/v1/ws' }],
    ['a string instead of an object', 'alice'],
    ['an array', ['alice']],
  ])('rejects %s as invalid_request without calling the handler', async (_name, request) => {
    const { dispatch, handlers } = setup();
    const result = await dispatch('account.create', request, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(handlers['account.create']).not.toHaveBeenCalled();
  });

  it('passes an AppError through with its code and text', async () => {
    const { dispatch } = setup({
      'account.create': async () => {
        throw new AppError('username_taken', { id: 'account.username_taken', params: { user: 'alice' } });
      },
    });
    const result = await dispatch('account.create', { username: 'alice', relayUrl: 'wss://relay.example.org/v1/ws' }, trusted);
    expect(result).toEqual({
      ok: false,
      error: { code: 'username_taken', message: 'account.username_taken', retryable: false, text: { id: 'account.username_taken', params: { user: 'alice' } } },
    });
  });

  it('hides unexpected errors behind `internal` and logs only their kind', async () => {
    const { dispatch, log } = setup({
      'account.get': async () => {
        throw new TypeError('secret detail /home/alice/keys');
      },
    });
    const result = await dispatch('account.get', {}, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('secret detail');
    expect(log.error).toHaveBeenCalledWith('ipc.handler_failed', { channel: 'account.get', error: 'TypeError' });
  });

  it('refuses to return a response that breaks the contract', async () => {
    const { dispatch } = setup({ 'connection.get': async () => ({ state: 'teleporting' }) as unknown as ConnectionSnapshot });
    expect(await dispatch('connection.get', {}, trusted)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('contract validation of relay lists', () => {
  it('passes a list of relays in order', async () => {
    const { dispatch, handlers } = setup({ 'account.setRelayUrls': vi.fn(async () => account) });
    const relayUrls = ['wss://a.example.org/v1/ws', 'wss://b.example.org/v1/ws'];
    expect(await dispatch('account.setRelayUrls', { relayUrls }, trusted)).toEqual({ ok: true, value: account });
    expect(handlers['account.setRelayUrls']).toHaveBeenCalledWith({ relayUrls });
  });

  it.each([
    ['an empty list', []],
    ['a bad second entry', ['wss://a.example.org/v1/ws', 'ws://b.example.org/v1/ws']],
    ['the same relay twice', ['wss://a.example.org/v1/ws', 'wss://a.example.org/v1/ws']],
    ['more than eight relays', Array.from({ length: 9 }, (_, i) => `wss://r${i}.example.org/v1/ws`)],
    ['one string instead of a list', 'wss://a.example.org/v1/ws'],
  ])('account.setRelayUrls rejects %s', async (_name, relayUrls) => {
    const { dispatch, handlers } = setup();
    expect(await dispatch('account.setRelayUrls', { relayUrls }, trusted)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(handlers['account.setRelayUrls']).not.toHaveBeenCalled();
  });

  it('passes fallback relays of account.create and devices.startLinking, and refuses one listed twice or too many', async () => {
    const { dispatch, handlers } = setup({ 'account.create': vi.fn(async () => account), 'devices.startLinking': vi.fn(async () => ({ state: 'linked' as const })) });
    const relays = { relayUrl: 'wss://a.example.org/v1/ws', fallbackRelayUrls: ['wss://b.example.org/v1/ws'] };
    expect(await dispatch('account.create', { username: 'alice', ...relays }, trusted)).toEqual({ ok: true, value: account });
    expect(handlers['account.create']).toHaveBeenCalledWith({ username: 'alice', ...relays });
    expect(await dispatch('devices.startLinking', { ...relays, name: 'Laptop' }, trusted)).toMatchObject({ ok: true });
    for (const fallbackRelayUrls of [['wss://a.example.org/v1/ws'], ['ws://b.example.org/v1/ws'], Array.from({ length: 8 }, (_, i) => `wss://r${i}.example.org/v1/ws`)]) {
      const request = { relayUrl: relays.relayUrl, fallbackRelayUrls };
      expect(await dispatch('account.create', { username: 'alice', ...request }, trusted)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
      expect(await dispatch('devices.startLinking', { ...request, name: 'Laptop' }, trusted)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    expect(handlers['account.create']).toHaveBeenCalledTimes(1);
    expect(handlers['devices.startLinking']).toHaveBeenCalledTimes(1);
  });

  it('reads typed relay URLs separated by commas or line breaks, and says which entry is wrong', () => {
    expect(RelayUrlList.parse(' wss://a.example.org/v1/ws ,\nwss://b.example.org\r\n\nws://localhost:8787 ')).toEqual([
      'wss://a.example.org/v1/ws',
      'wss://b.example.org',
      'ws://localhost:8787',
    ]);
    const messages = (text: string) => (RelayUrlList.safeParse(text).error?.issues ?? []).map((issue) => issue.message);
    // One URL: the messages of a single relay URL, as before.
    expect(messages('ftp://relay.example.org')).toEqual(['Relay URL must start with wss:// (or ws:// for a relay on this machine)']);
    expect(messages('wss://a.example.org, ws://relay.example.org')).toEqual([
      'Relay 2 (ws://relay.example.org): Use wss:// for a relay on another machine; ws:// is only allowed for localhost',
    ]);
    expect(messages(' , \n')).toEqual(['Enter a relay URL, e.g. wss://relay.example.org/v1/ws']);
    expect(messages('wss://a.example.org\nwss://a.example.org')).toEqual(['Each relay URL may be listed only once']);
  });
});

describe('contract validation of messaging requests', () => {
  const conversationId = 'dm:bob';
  it.each([
    ['an empty body', { conversationId, messageId: 'm1', content: { kind: 'text', body: '   ' } }],
    ['a body over the limit', { conversationId, messageId: 'm1', content: { kind: 'text', body: 'x'.repeat(16_001) } }],
    ['an upper-case dm id', { conversationId: 'dm:Bob', messageId: 'm1', content: { kind: 'text', body: 'hi' } }],
    ['a bad group id', { conversationId: 'group:abc', messageId: 'm1', content: { kind: 'text', body: 'hi' } }],
    ['a bad message id', { conversationId, messageId: 'm 1', content: { kind: 'text', body: 'hi' } }],
    ['an unknown content kind', { conversationId, messageId: 'm1', content: { kind: 'sticker', body: 'hi' } }],
    ['an empty receipt', { conversationId, messageId: 'm1', content: { kind: 'receipt', receipt: 'read', messageIds: [] } }],
  ])('messages.send rejects %s', async (_name, request) => {
    const { dispatch, handlers } = setup();
    expect(await dispatch('messages.send', request, trusted)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(handlers['messages.send']).not.toHaveBeenCalled();
  });

  it.each([
    ['no members', { name: 'Trip', members: [] }],
    ['a blank name', { name: '  ', members: ['bob'] }],
    ['a bad member name', { name: 'Trip', members: ['b'] }],
    ['too many members', { name: 'Trip', members: Array.from({ length: 1000 }, (_, i) => `user${i}`) }],
  ])('groups.create rejects %s', async (_name, request) => {
    const { dispatch, handlers } = setup();
    expect(await dispatch('groups.create', request, trusted)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(handlers['groups.create']).not.toHaveBeenCalled();
  });
});
