import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { CloseCode, registrationSigningBytes } from '../../../shared/protocol';
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';
import { silentLogger } from '../transport/logger';
import { FakeRelay, TEST_NONCE, flushMicrotasks } from '../transport/testing/FakeRelay';
import { RegistrationError } from './errors';
import { generateIdentity, verifyIdentitySignature } from './identity';
import { registerAccount, type RegisterOptions } from './registerAccount';

const identity = generateIdentity();

function withFake(options: RegisterOptions = {}) {
  const relay = new FakeRelay();
  return { relay, options: { socketFactory: relay.factory, logger: silentLogger, ...options } };
}

async function challenged(relay: FakeRelay): Promise<void> {
  await flushMicrotasks();
  relay.last.open();
  relay.last.challenge();
  await flushMicrotasks();
}

async function failure(promise: Promise<unknown>): Promise<RegistrationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistrationError);
  return error as RegistrationError;
}

describe('registerAccount', () => {
  it('signs the challenge with the identity key and resolves on ready', async () => {
    const { relay, options } = withFake();
    const result = registerAccount('ws://relay.test', 'Alice', identity, 1, options);
    await challenged(relay);
    const [frame] = relay.last.framesOf('register');
    expect(frame).toMatchObject({ nonce: TEST_NONCE, username: 'Alice', device: 1, identityKey: toBase64(identity.publicKey) });
    const signed = registrationSigningBytes(TEST_NONCE, 'Alice', 1, toBase64(identity.publicKey));
    expect(verifyIdentitySignature(fromBase64(frame!.signature), signed, identity.publicKey)).toBe(true);
    relay.last.push({ type: 'ready', user: 'alice', device: 1, registered: true });
    await expect(result).resolves.toEqual({ username: 'alice', device: 1, relayUrl: 'ws://relay.test', newlyRegistered: true });
    expect(relay.last.url).toBe('ws://relay.test/v2/ws');
    expect(relay.last.closedByClient?.code).toBe(1000);
  });

  it('reports a retried registration of the same key as not new', async () => {
    const { relay, options } = withFake();
    const result = registerAccount('ws://relay.test', 'alice', identity, 2, options);
    await challenged(relay);
    relay.last.push({ type: 'ready', user: 'alice', device: 2, registered: false });
    await expect(result).resolves.toMatchObject({ device: 2, newlyRegistered: false });
  });

  it.each(['ab', 'a'.repeat(33), '_alice', 'al ice', 'alïce', ''])('rejects username %j locally as invalid_username', async (name) => {
    const { relay, options } = withFake();
    expect((await failure(registerAccount('ws://relay.test', name, identity, 1, options))).code).toBe('invalid_username');
    expect(relay.sockets).toHaveLength(0);
  });

  it('maps close 4006 to username_taken', async () => {
    const { relay, options } = withFake();
    const result = registerAccount('ws://relay.test', 'alice', identity, 1, options);
    await challenged(relay);
    relay.last.serverClose(CloseCode.usernameTaken, 'username_taken');
    const error = await failure(result);
    expect(error.code).toBe('username_taken');
    expect(error.text).toEqual({ id: 'account.username_taken', params: { user: 'alice' } });
  });

  it.each([
    ['a bad address', 'not a url'],
    ['a wrong scheme', 'ftp://relay.test'],
  ])('maps %s to relay_unreachable', async (_name, url) => {
    const { options } = withFake();
    expect((await failure(registerAccount(url, 'alice', identity, 1, options))).code).toBe('relay_unreachable');
  });

  it('maps a refused connection to relay_unreachable', async () => {
    const { relay, options } = withFake();
    const result = registerAccount('ws://relay.test', 'alice', identity, 1, options);
    await flushMicrotasks();
    relay.last.failToConnect('ECONNREFUSED');
    const error = await failure(result);
    expect(error.code).toBe('relay_unreachable');
    // Plain words for people; the socket's code for a details line.
    expect(error.message).not.toContain('ECONNREFUSED');
    expect(error.text).toEqual({ id: 'account.unreachable' });
    expect(error.detail).toBe('ECONNREFUSED');
  });

  it('maps a refused connection to relay_unreachable over a real socket', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await failure(registerAccount(`ws://127.0.0.1:${port}`, 'alice', identity, 1, { logger: silentLogger }));
    expect(error.code).toBe('relay_unreachable');
  });

  it('maps a relay that never answers to relay_unreachable after the timeout', async () => {
    const { relay, options } = withFake({ timeoutMs: 50 });
    const result = registerAccount('ws://relay.test', 'alice', identity, 1, options);
    await flushMicrotasks();
    relay.last.open();
    expect((await failure(result)).code).toBe('relay_unreachable');
    expect(relay.last.terminated).toBe(true);
  });

  it.each([
    ['an error frame', (r: FakeRelay) => r.last.push({ type: 'error', code: 'malformed_frame', message: 'bad' })],
    ['a protocol-violation close', (r: FakeRelay) => r.last.serverClose(CloseCode.protocolViolation, 'protocol_violation')],
    ['a ready for someone else', (r: FakeRelay) => r.last.push({ type: 'ready', user: 'mallory', device: 1, registered: true })],
    ['a bad signature close', (r: FakeRelay) => r.last.serverClose(CloseCode.badSignature, 'auth_bad_signature')],
  ])('maps %s to protocol_error', async (_name, act) => {
    const { relay, options } = withFake();
    const result = registerAccount('ws://relay.test', 'alice', identity, 1, options);
    await challenged(relay);
    act(relay);
    expect((await failure(result)).code).toBe('protocol_error');
  });

  it('maps another protocol version to protocol_error without signing', async () => {
    const { relay, options } = withFake();
    const result = registerAccount('ws://relay.test', 'alice', identity, 1, options);
    await flushMicrotasks();
    relay.last.open();
    relay.last.challenge(9);
    expect((await failure(result)).code).toBe('protocol_error');
    expect(relay.last.framesOf('register')).toHaveLength(0);
  });

  it('ignores malformed frames and still completes', async () => {
    const { relay, options } = withFake();
    const result = registerAccount('ws://relay.test', 'alice', identity, 1, options);
    await flushMicrotasks();
    relay.last.open();
    relay.last.raw('{garbage');
    relay.last.raw('', true);
    relay.last.challenge();
    await flushMicrotasks();
    relay.last.push({ type: 'ready', user: 'alice', device: 1, registered: true });
    await expect(result).resolves.toMatchObject({ username: 'alice' });
  });
});
