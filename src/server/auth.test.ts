// Registration and challenge–response authentication against a real relay: the happy paths and every close code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_REASONS, CloseCode, PROTOCOL_VERSION, type CloseCodeName } from '../shared/protocol';
import { fromBase64, toBase64 } from '../shared/encoding/base64';
import { RawDevice, createIdentity, reconnect, registeredDevice, uniqueUsername } from '../../test/support/raw-device';
import { startTestRelay, type TestRelay } from '../../test/support/relay-harness';

let relay: TestRelay;
/** A relay with a very short nonce TTL and auth timeout, only for the tests about them. */
let hurried: TestRelay;

beforeAll(async () => {
  [relay, hurried] = await Promise.all([startTestRelay(), startTestRelay({ nonceTtlMs: 300, authTimeoutMs: 900 })]);
});
afterAll(async () => {
  await Promise.all([relay.close(), hurried.close()]);
});

async function expectClosedWith(device: RawDevice, name: CloseCodeName): Promise<void> {
  const closed = await device.waitForClose();
  expect(closed).toEqual({ code: CloseCode[name], reason: CLOSE_REASONS[name] });
}

describe('challenge', () => {
  it('sends a fresh 32-byte nonce with the protocol version and TTL on open', async () => {
    const a = await RawDevice.connect(relay.url);
    const b = await RawDevice.connect(relay.url);
    expect(a.challenge).toMatchObject({ type: 'challenge', version: PROTOCOL_VERSION, expiresInMs: 30_000 });
    expect(fromBase64(a.challenge.nonce)).toHaveLength(32);
    expect(a.challenge.nonce).not.toBe(b.challenge.nonce);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('registration', () => {
  it('registers a new username and answers ready with the normalized name', async () => {
    const name = uniqueUsername('Reg');
    const device = await RawDevice.connect(relay.url);
    const ready = await device.register(name);
    expect(ready).toEqual({ type: 'ready', user: name.toLowerCase(), device: 1, registered: true });
    expect(relay.connectedDevices()).toBeGreaterThanOrEqual(1);
    await device.ping();
    expect(device.invalidFrames).toEqual([]);
    await device.close();
  });

  it('refuses a taken username with 4006, whatever its case', async () => {
    const name = uniqueUsername('taken');
    const first = await registeredDevice(relay.url, name);
    for (const variant of [name, name.toUpperCase()]) {
      const second = await RawDevice.connect(relay.url);
      second.sendFrame(second.registerFrame(variant));
      await expectClosedWith(second, 'usernameTaken');
    }
    await first.close();
  });

  it('answers a retried registration of the same device and key with ready, registered: false', async () => {
    const first = await registeredDevice(relay.url);
    await first.close();
    const again = await RawDevice.connect(relay.url, { identity: first.identity });
    const ready = await again.register(first.address.user);
    expect(ready.registered).toBe(false);
    await again.close();
  });

  it('refuses a second device of an existing user with another key (linking is not in v1)', async () => {
    const first = await registeredDevice(relay.url);
    const other = await RawDevice.connect(relay.url);
    other.device = 2;
    other.sendFrame(other.registerFrame(first.address.user));
    await expectClosedWith(other, 'usernameTaken');
    await first.close();
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(33)],
    ['bad characters', 'bad name!'],
    ['leading dot', '.alice'],
  ])('rejects a %s username as a protocol violation', async (_case, username) => {
    const device = await RawDevice.connect(relay.url);
    device.sendFrame(device.registerFrame(username));
    const error = await device.next('error');
    expect(error.code).toBe('malformed_frame');
    await expectClosedWith(device, 'protocolViolation');
  });

  it('rejects a registration signed by another key with 4001, and registers nothing', async () => {
    const name = uniqueUsername();
    const device = await RawDevice.connect(relay.url);
    device.sendFrame(device.registerFrame(name, { identityKey: createIdentity().identityKey }));
    await expectClosedWith(device, 'badSignature');
    const again = await RawDevice.connect(relay.url);
    expect((await again.register(name)).registered).toBe(true);
    await again.close();
  });
});

describe('authentication', () => {
  it('authenticates a registered device on a new connection', async () => {
    const first = await registeredDevice(relay.url);
    await first.close();
    const second = await reconnect(relay.url, first);
    expect(second.frames.find((f) => f.type === 'ready')).toEqual({
      type: 'ready',
      user: first.address.user,
      device: 1,
      registered: false,
    });
    await second.close();
  });

  it('accepts the username in another case', async () => {
    const first = await registeredDevice(relay.url, uniqueUsername('Case'));
    await first.close();
    const second = await RawDevice.connect(relay.url, { identity: first.identity });
    const ready = await second.auth(first.address.user.toUpperCase());
    expect(ready.user).toBe(first.address.user);
    await second.close();
  });

  it('closes with 4001 on a wrong signature', async () => {
    const owner = await registeredDevice(relay.url);
    const impostor = await RawDevice.connect(relay.url);
    impostor.sendFrame(impostor.authFrame(owner.address.user));
    await expectClosedWith(impostor, 'badSignature');
    await owner.close();
  });

  it('closes with 4001 when the signature covers other bytes (wrong device id)', async () => {
    const owner = await registeredDevice(relay.url);
    await owner.close();
    const device = await RawDevice.connect(relay.url, { identity: owner.identity });
    const frame = device.authFrame(owner.address.user, { device: 2 });
    device.sendFrame({ ...frame, device: 1 });
    await expectClosedWith(device, 'badSignature');
  });

  it('closes with 4002 for an unknown device', async () => {
    const device = await RawDevice.connect(relay.url);
    device.sendFrame(device.authFrame(uniqueUsername('ghost')));
    await expectClosedWith(device, 'unknownDevice');
  });

  it('closes with 4002 for an unknown device id of a known user', async () => {
    const owner = await registeredDevice(relay.url);
    const device = await RawDevice.connect(relay.url, { identity: owner.identity });
    device.sendFrame(device.authFrame(owner.address.user, { device: 2 }));
    await expectClosedWith(device, 'unknownDevice');
    await owner.close();
  });

  it('closes with 4003 when a used nonce is replayed on another connection', async () => {
    const owner = await registeredDevice(relay.url);
    await owner.close();
    const first = await RawDevice.connect(relay.url, { identity: owner.identity });
    const frame = first.authFrame(owner.address.user);
    first.sendFrame(frame);
    await first.next('ready');
    const replay = await RawDevice.connect(relay.url, { identity: owner.identity });
    replay.sendFrame(frame);
    await expectClosedWith(replay, 'nonceReused');
    await first.close();
  });

  it('closes with 4004 when the nonce expired before the auth frame arrived', async () => {
    const owner = await registeredDevice(hurried.url);
    await owner.close();
    const late = await RawDevice.connect(hurried.url, { identity: owner.identity });
    await new Promise((resolve) => setTimeout(resolve, 450));
    late.sendFrame(late.authFrame(owner.address.user));
    await expectClosedWith(late, 'nonceExpired');
  });

  it('closes with 4008 for a nonce never issued, or issued to another connection', async () => {
    const owner = await registeredDevice(relay.url);
    const invented = await RawDevice.connect(relay.url, { identity: owner.identity });
    invented.sendFrame(invented.authFrame(owner.address.user, { nonce: toBase64(new Uint8Array(32).fill(9)) }));
    await expectClosedWith(invented, 'nonceUnknown');

    const other = await RawDevice.connect(relay.url);
    const thief = await RawDevice.connect(relay.url, { identity: owner.identity });
    thief.sendFrame(thief.authFrame(owner.address.user, { nonce: other.challenge.nonce }));
    await expectClosedWith(thief, 'nonceUnknown');
    // Presented on the wrong connection, the nonce was not used up: its own connection still signs in with it.
    expect((await other.register(uniqueUsername())).registered).toBe(true);
    await Promise.all([other.close(), owner.close()]);
  });

  it('closes with 4005 when no register/auth frame arrives in time', async () => {
    const idle = await RawDevice.connect(hurried.url);
    await expectClosedWith(idle, 'authTimeout');
  });

  it.each([
    ['a send', (d: RawDevice) => d.sendFrame({ type: 'send', rid: 7, messageId: 'm', to: [{ user: 'someone', device: 1 }], payload: new Uint8Array(0), ephemeral: false })],
    ['a ping', (d: RawDevice) => d.sendFrame({ type: 'ping', rid: 7 })],
  ])('answers %s before auth with not_authenticated and closes with 4000', async (_case, act) => {
    const device = await RawDevice.connect(relay.url);
    act(device);
    expect(await device.next('error')).toMatchObject({ code: 'not_authenticated', rid: 7 });
    await expectClosedWith(device, 'protocolViolation');
  });

  it.each([
    ['a text message', (d: RawDevice) => d.sendText('hello')],
    ['a v1 JSON frame', (d: RawDevice) => d.sendText(JSON.stringify({ type: 'ping', rid: 1 }))],
    ['a truncated binary frame', (d: RawDevice) => d.sendBinary(new Uint8Array([1, 2, 3]))],
    ['an unknown frame code', (d: RawDevice) => d.sendBinary(new Uint8Array([0x7e]))],
  ])('closes with 4000 on %s before auth', async (_case, act) => {
    const device = await RawDevice.connect(relay.url);
    act(device);
    expect((await device.next('error')).code).toBe('malformed_frame');
    await expectClosedWith(device, 'protocolViolation');
  });

  it('replaces an older connection of the same device, closing it with 4010', async () => {
    const first = await registeredDevice(relay.url);
    const second = await reconnect(relay.url, first);
    await expectClosedWith(first, 'replaced');
    await second.ping();
    const third = await reconnect(relay.url, second);
    await expectClosedWith(second, 'replaced');
    await third.ping();
    await third.close();
  });

  it('processes frames pipelined behind the auth frame once ready', async () => {
    const owner = await registeredDevice(relay.url);
    await owner.close();
    const device = await RawDevice.connect(relay.url, { identity: owner.identity });
    device.sendFrame(device.authFrame(owner.address.user));
    device.sendFrame({ type: 'ping', rid: 42 });
    await device.next('ready');
    expect(await device.next('pong')).toEqual({ type: 'pong', rid: 42 });
    await device.close();
  });
});
