// Every limit of the relay answers with its error frame and changes nothing: frame size, payload size,
// recipient count, send rate and mailbox quota; and malformed frames after auth, and abuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_REASONS, CloseCode, MAX_FRAME_BYTES, encodeClientFrame, type Address } from '../shared/protocol';
import { RawDevice, newMessageId, randomPayload, reconnect, registeredDevice } from '../../test/support/raw-device';
import { startTestRelay, type TestRelay } from '../../test/support/relay-harness';

let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay({
    maxPayloadBytes: 1024,
    maxRecipientsPerSend: 3,
    rateLimitPerSecond: 1,
    rateLimitBurst: 5,
    mailboxQuota: 3,
    abuseThreshold: 8,
    abuseWindowMs: 60_000,
  });
});
afterAll(async () => {
  await relay.close();
});

async function offlineDevice(): Promise<RawDevice> {
  const device = await registeredDevice(relay.url);
  await device.close();
  return device;
}

/** Connects as `device`, waits for its backlog, and returns the message ids it holds (without acking). */
async function mailboxContents(device: RawDevice): Promise<string[]> {
  const online = await reconnect(relay.url, device);
  await online.next('drained');
  const ids = online.deliveries.map((d) => d.messageId);
  await online.close();
  return ids;
}

describe('size limits', () => {
  it('answers a frame over 256 KiB with frame_too_large and stores nothing', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    alice.sendFrame({ type: 'send', rid: 1, messageId: 'big', to: [bob.address], payload: new Uint8Array(MAX_FRAME_BYTES), ephemeral: false });
    const error = await alice.next('error');
    expect(error.code).toBe('frame_too_large');
    await alice.ping();
    expect(await mailboxContents(bob)).toEqual([]);
    await alice.close();
  });

  it('cuts a frame far above the limit with 1009 (ws message too big)', async () => {
    const alice = await registeredDevice(relay.url);
    alice.sendBinary(new Uint8Array(8 * MAX_FRAME_BYTES));
    expect((await alice.waitForClose()).code).toBe(1009);
  });

  it('answers a payload over the configured limit with payload_too_large and stores nothing', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    const answer = await alice.send(bob.address, randomPayload(1025));
    expect(answer).toMatchObject({ type: 'error', code: 'payload_too_large', rid: 1 });
    await alice.sendOk(bob.address, randomPayload(1024));
    expect(await mailboxContents(bob)).toHaveLength(1);
    await alice.close();
  });

  it('answers too many recipients with too_many_recipients and stores nothing', async () => {
    const alice = await registeredDevice(relay.url);
    const recipients = await Promise.all([1, 2, 3, 4].map(() => offlineDevice()));
    const answer = await alice.send(recipients.map((r) => r.address));
    expect(answer).toMatchObject({ type: 'error', code: 'too_many_recipients', rid: 1 });
    for (const recipient of recipients) expect(await mailboxContents(recipient)).toEqual([]);
    await alice.close();
  });

  it('counts a repeated address once against the recipient limit, as it counts once for delivery', async () => {
    const alice = await registeredDevice(relay.url);
    const recipients = await Promise.all([1, 2, 3].map(() => offlineDevice()));
    const addresses = recipients.map((r) => r.address);
    await alice.sendOk([...addresses, ...addresses]);
    for (const recipient of recipients) expect(await mailboxContents(recipient)).toHaveLength(1);
    await alice.close();
  });
});

describe('rate limit', () => {
  it('limits sends per device with rate_limited and retryAfterMs, storing nothing, and recovers', async () => {
    const alice = await registeredDevice(relay.url);
    // Spread over three mailboxes so the quota of 3 is not what refuses them.
    const recipients = await Promise.all([1, 2, 3].map(() => offlineDevice()));
    const rids = Array.from({ length: 8 }, (_, i) => alice.sendNoWait(recipients[i % 3]!.address));
    const answers = await Promise.all(rids.map((rid) => alice.answerTo(rid)));
    const limited = answers.filter((a) => a.type === 'error');
    expect(answers.filter((a) => a.type === 'sent')).toHaveLength(5);
    expect(limited).toHaveLength(3);
    for (const error of limited) {
      expect(error).toMatchObject({ code: 'rate_limited' });
      expect(error.type === 'error' && error.retryAfterMs).toBeGreaterThan(0);
      expect(error.type === 'error' && error.retryAfterMs).toBeLessThanOrEqual(1000);
    }
    // The bucket belongs to the device, not the connection: reconnecting does not refill it.
    await alice.close();
    const aliceAgain = await reconnect(relay.url, alice);
    expect(await aliceAgain.send(recipients[2]!.address)).toMatchObject({ code: 'rate_limited' });
    await new Promise((resolve) => setTimeout(resolve, 1050));
    await aliceAgain.sendOk(recipients[2]!.address);
    const stored = await Promise.all(recipients.map((r) => mailboxContents(r)));
    expect(stored.map((ids) => ids.length)).toEqual([2, 2, 2]);
    await aliceAgain.close();
  });
});

describe('mailbox quota', () => {
  it('refuses a send when any recipient mailbox is full, storing it nowhere; acks free room', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    const carol = await offlineDevice();
    const first = [newMessageId(), newMessageId(), newMessageId()];
    for (const id of first) await alice.sendOk(bob.address, randomPayload(), id);
    const refused = await alice.send([carol.address, bob.address]);
    expect(refused).toMatchObject({ type: 'error', code: 'mailbox_full', rid: 4 });
    expect(refused.type === 'error' && refused.message).toContain(bob.address.user);
    expect(await mailboxContents(carol)).toEqual([]);
    expect(await mailboxContents(bob)).toEqual(first);

    const bobOnline = await reconnect(relay.url, bob);
    await bobOnline.next('drained');
    bobOnline.ack(bobOnline.deliveries[0]!.seq);
    await bobOnline.ping();
    await bobOnline.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await alice.sendOk([carol.address, bob.address]);
    expect(await mailboxContents(bob)).toHaveLength(3);
    await alice.close();
  });
});

/** A valid send frame (rid 5, message id "m") to `to`, as bytes to break. */
function encoded(to: Address): Uint8Array {
  return encodeClientFrame({ type: 'send', rid: 5, messageId: 'm', to: [to], payload: new Uint8Array([1, 2, 3]), ephemeral: false });
}

function patched(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at] = value;
  return copy;
}

describe('malformed frames after auth', () => {
  const cases: Array<[string, (d: RawDevice, to: Address) => void, number | undefined]> = [
    ['a text message', (d, to) => d.sendText(JSON.stringify({ type: 'send', rid: 5, messageId: 'm', to: [to], payload: '' })), undefined],
    ['an unknown frame code', (d) => d.sendBinary(new Uint8Array([0x7e, 0, 0, 0, 5])), undefined],
    ['a send cut short before its payload', (d, to) => d.sendBinary(encoded(to).subarray(0, -3)), 5],
    ['a send with bytes after its payload', (d, to) => d.sendBinary(new Uint8Array([...encoded(to), 0])), 5],
    ['a send with unknown flags', (d, to) => d.sendBinary(patched(encoded(to), 1, 0x80)), 5],
    ['a send naming an invalid username', (d, to) => d.sendBinary(patched(encoded(to), 6 + 2 + 2 + 1, 0x2f)), 5],
    ['a rare frame with an extra field', (d) => d.sendRare('count_prekeys', { rid: 5, admin: true }), 5],
    ['a rare frame whose body is not JSON', (d) => d.sendBinary(new Uint8Array([0x14, 0x7b])), undefined],
  ];

  it.each(cases)('answers %s with malformed_frame, keeps the connection and stores nothing', async (_case, act, rid) => {
    const alice = await registeredDevice(relay.url);
    const bob = await offlineDevice();
    act(alice, bob.address);
    const error = await alice.next('error');
    expect(error.code).toBe('malformed_frame');
    expect(error.rid).toBe(rid);
    await alice.ping();
    expect(await mailboxContents(bob)).toEqual([]);
    await alice.close();
  });

  it('answers a second auth with already_authenticated and stays authenticated as before', async () => {
    const alice = await registeredDevice(relay.url);
    const other = await offlineDevice();
    alice.sendFrame(alice.authFrame(other.address.user));
    expect((await alice.next('error')).code).toBe('already_authenticated');
    alice.sendFrame(alice.registerFrame(other.address.user));
    expect((await alice.next('error')).code).toBe('already_authenticated');
    await alice.sendOk(other.address);
    const [delivery] = await (async () => {
      const online = await reconnect(relay.url, other);
      await online.next('drained');
      await online.close();
      return online.deliveries;
    })();
    expect(delivery?.from).toEqual(alice.address);
    await alice.close();
  });

  it('closes with 4011 after more rejected frames than the abuse threshold', async () => {
    const mallory = await registeredDevice(relay.url);
    for (let i = 0; i < 9; i++) mallory.sendBinary(new Uint8Array([0x7e, i]));
    const closed = await mallory.waitForClose();
    expect(closed).toEqual({ code: CloseCode.abuse, reason: CLOSE_REASONS.abuse });
    expect(mallory.frames.filter((f) => f.type === 'error')).toHaveLength(9);
    // The device itself is not banned: it can come back.
    const back = await reconnect(relay.url, mallory);
    await back.ping();
    await back.close();
  });

  it('does not count refusals a correct client can meet (rate limit, unknown recipient) as abuse', async () => {
    const alice = await registeredDevice(relay.url);
    for (let i = 0; i < 12; i++) alice.sendNoWait({ user: 'nobody-at-all', device: 1 });
    for (let rid = 1; rid <= 12; rid++) expect((await alice.answerTo(rid)).type).toBe('error');
    await alice.ping();
    expect(alice.closeStatus).toBeUndefined();
    await alice.close();
  });
});
