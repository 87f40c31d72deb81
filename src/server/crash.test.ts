// Crash safety of a real relay process: a device streams messages, the relay is killed with SIGKILL in the
// middle, and after a restart on the same data directory every message answered `sent` before the kill is
// delivered; resending the unconfirmed rest (as an outbox would) yields each message exactly once, in order.
import { afterEach, describe, expect, it } from 'vitest';
import { newMessageId, randomPayload, reconnect, registeredDevice } from '../../test/support/raw-device';
import { makeTempDir, removeDir } from '../../test/support/relay-harness';
import { spawnRelay, type RelayProcess } from '../../test/support/relay-process';

const MESSAGES = 500;
const KILL_AFTER_CONFIRMED = 150;
const fastLimits = { PARLEY_RELAY_RATE_PER_SECOND: '100000', PARLEY_RELAY_RATE_BURST: '100000' };

let dataDir: string | undefined;
let running: RelayProcess | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
  if (dataDir !== undefined) removeDir(dataDir);
  dataDir = undefined;
});

describe('kill -9 mid-stream', () => {
  it('loses no message answered sent and duplicates none after restart and resend', async () => {
    dataDir = makeTempDir();
    running = await spawnRelay({ dataDir, env: fastLimits });
    const relay = running;
    const alice = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url);
    await bob.close();

    const ids = Array.from({ length: MESSAGES }, () => newMessageId());
    const confirmed = new Set<string>();
    let killed = false;
    const answers: Array<Promise<unknown>> = [];
    for (let i = 0; i < MESSAGES && !killed; i++) {
      const id = ids[i]!;
      const rid = alice.sendNoWait(bob.address, randomPayload(64), id);
      answers.push(
        alice.answerTo(rid, 20_000).then(
          (answer) => {
            if (answer.type !== 'sent') throw new Error(`unexpected ${answer.type}`);
            confirmed.add(id);
            if (confirmed.size >= KILL_AFTER_CONFIRMED && !killed) {
              killed = true;
              relay.kill('SIGKILL');
            }
          },
          () => undefined, // the socket died with the relay
        ),
      );
      if (i % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(answers);
    expect(await relay.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(confirmed.size).toBeGreaterThanOrEqual(KILL_AFTER_CONFIRMED);
    expect(confirmed.size).toBeLessThan(MESSAGES); // the kill landed mid-stream

    running = await spawnRelay({ dataDir, env: fastLimits });
    // The sender's outbox: everything not confirmed is resent, in order, with the same ids.
    const aliceAgain = await reconnect(running.url, alice);
    const unconfirmed = ids.filter((id) => !confirmed.has(id));
    for (const id of unconfirmed) await aliceAgain.sendOk(bob.address, randomPayload(64), id);

    const bobAgain = await reconnect(running.url, bob, { autoAck: true });
    const received = await bobAgain.waitForDeliveries(MESSAGES, 20_000);
    await bobAgain.ping();
    const receivedIds = received.map((d) => d.messageId);
    expect(receivedIds).toHaveLength(MESSAGES);
    expect(receivedIds).toEqual(ids); // every message exactly once, in the order it was sent
    for (const id of confirmed) expect(receivedIds).toContain(id);
    await Promise.all([aliceAgain.close(), bobAgain.close()]);
  }, 60_000);
});
