// Graceful shutdown of a real relay process: SIGTERM closes every socket with 1001, exits 0, and whatever was
// answered `sent` is still there after a restart on the same data directory.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_REASONS, CloseCode } from '../shared/protocol';
import { RawDevice, newMessageId, randomPayload, reconnect, registeredDevice } from '../../test/support/raw-device';
import { makeTempDir, removeDir } from '../../test/support/relay-harness';
import { spawnRelay, type RelayProcess } from '../../test/support/relay-process';

let dataDir: string | undefined;
let running: RelayProcess | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
  if (dataDir !== undefined) removeDir(dataDir);
  dataDir = undefined;
});

const goingAway = { code: CloseCode.goingAway, reason: CLOSE_REASONS.goingAway };

describe('graceful shutdown', () => {
  it('closes sockets with 1001 on SIGTERM, exits 0, and keeps every sent message', async () => {
    dataDir = makeTempDir();
    running = await spawnRelay({ dataDir, env: { PARLEY_RELAY_LOG_LEVEL: 'debug' } });
    const alice = await registeredDevice(running.url);
    const bob = await registeredDevice(running.url);
    await bob.close();
    const carol = await registeredDevice(running.url); // online, but never acks
    const stranger = await RawDevice.connect(running.url); // not authenticated

    const toBob = newMessageId();
    const toCarol = newMessageId();
    const payloads = [randomPayload(), randomPayload()];
    await alice.sendOk(bob.address, payloads[0], toBob);
    await alice.sendOk(carol.address, payloads[1], toCarol);
    await carol.waitForDeliveries(1);
    // A send racing the signal: if it was answered `sent`, it must survive.
    const racing = newMessageId();
    const racingAnswer = alice.answerTo(alice.sendNoWait(bob.address, randomPayload(), racing)).catch(() => undefined);

    running.kill('SIGTERM');
    const closes = await Promise.all([alice, carol, stranger].map((d: RawDevice) => d.waitForClose()));
    for (const close of closes) expect(close).toEqual(goingAway);
    expect(await running.exited).toEqual({ code: 0, signal: null });
    // The store was closed properly: SQLite folds the log into the database and removes it on the last close.
    expect(existsSync(join(dataDir, 'relay.sqlite3-wal'))).toBe(false);
    const racingSent = (await racingAnswer)?.type === 'sent';
    const log = running.output.join('\n');
    expect(log).toContain('"relay.shutting_down"');
    expect(log).toContain('"relay.stopped"');
    // Even at debug level the log holds no payload, key, nonce or message id.
    for (const secret of [...payloads, toBob, toCarol, racing, alice.identity.identityKey, alice.challenge.nonce]) {
      expect(log).not.toContain(secret);
    }

    running = await spawnRelay({ dataDir });
    const bobAgain = await reconnect(running.url, bob);
    await bobAgain.next('drained');
    const expectedForBob = racingSent ? [toBob, racing] : [toBob];
    expect(bobAgain.deliveries.map((d) => d.messageId).slice(0, expectedForBob.length)).toEqual(expectedForBob);
    const carolAgain = await reconnect(running.url, carol);
    await carolAgain.next('drained');
    expect(carolAgain.deliveries.map((d) => d.messageId)).toEqual([toCarol]);
    await Promise.all([bobAgain.close(), carolAgain.close()]);
  }, 40_000);
});
