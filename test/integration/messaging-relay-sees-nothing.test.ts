// What the relay gets to see: every frame three cores send it during a 1:1 and a group conversation, and every byte
// of its data directory (the SQLite database, its WAL and shared-memory files) during and after. None of it holds a
// message body or a group name — neither as text nor base64-encoded in any alignment.
import { encodeClientFrame } from '../../src/shared/protocol';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, startTestRelay, type TestRelay } from '../support/relay-harness';
import { dm, tappedUser, type TappedUser } from './messaging-harness';
import { waitFor } from './support';

let relay: TestRelay | undefined;
const dataDir = makeTempDir();
const tapped: TappedUser[] = [];

afterAll(async () => {
  await Promise.all(tapped.map((t) => t.user.close().catch(() => undefined)));
  await Promise.all(tapped.map((t) => t.proxy.close()));
  await relay?.close();
  removeDir(dataDir);
});

/** The base64 forms of `secret` that do not depend on what surrounds it, for each of the three byte alignments. */
function base64Cores(secret: Buffer): string[] {
  const cores: string[] = [];
  for (let align = 0; align < 3; align++) {
    const encoded = Buffer.concat([Buffer.alloc(align), secret]).toString('base64');
    const first = Math.ceil(align / 3) * 3;
    const last = Math.floor((align + secret.length) / 3) * 3;
    cores.push(encoded.slice((first / 3) * 4, (last / 3) * 4));
  }
  return cores;
}

function leaks(haystack: Buffer, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    const bytes = Buffer.from(secret, 'utf8');
    const forms = [bytes, Buffer.from(secret, 'utf16le'), ...base64Cores(bytes).map((core) => Buffer.from(core, 'ascii'))];
    if (forms.some((form) => haystack.includes(form))) found.push(secret);
  }
  return found;
}

function relayFiles(): Buffer[] {
  return readdirSync(dataDir)
    .map((name) => join(dataDir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path));
}

describe('the relay learns no content', () => {
  it('finds no body and no group name in any frame it receives or any byte it stores', { timeout: 60_000 }, async () => {
    relay = await startTestRelay({}, { dataDir });
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => tappedUser(relay!.port, name)));
    tapped.push(alice!, bob!, carol!);
    const tag = randomUUID().slice(0, 8);
    const secrets = {
      dm1: `The eagle lands at dawn ${tag}, bring the maps`,
      dm2: `Understood ${tag}: the maps are under the old oak`,
      group1: `Group plan ${tag}: meet at the lighthouse on Friday`,
      group2: `Group reply ${tag}: I will bring lanterns and rope`,
      group3: `Group answer ${tag}: and I will bring sandwiches`,
      name1: `Moonlight Society ${tag}`,
      name2: `Lighthouse Keepers ${tag}`,
    };

    await alice!.user.callRetrying('contacts.add', { username: bob!.user.username });
    await alice!.user.call('messages.send', { conversationId: dm(bob!.user), messageId: 'dm-1', content: { kind: 'text', body: secrets.dm1 } });
    await waitFor(() => bob!.user.texts(dm(alice!.user)).length === 1, 'dm arrives');
    await bob!.user.call('messages.send', { conversationId: dm(alice!.user), messageId: 'dm-2', content: { kind: 'text', body: secrets.dm2 } });
    await waitFor(() => alice!.user.texts(dm(bob!.user)).length === 1, 'dm reply arrives');

    const group = await alice!.user.callRetrying('groups.create', { name: secrets.name1, members: [bob!.user.username, carol!.user.username] });
    const conversationId = `group:${group.groupId}`;
    await waitFor(() => [bob!, carol!].every((t) => t.user.groupEvents.length > 0), 'group known to all');
    await alice!.user.call('messages.send', { conversationId, messageId: 'g-1', content: { kind: 'text', body: secrets.group1 } });
    await bob!.user.call('messages.send', { conversationId, messageId: 'g-2', content: { kind: 'text', body: secrets.group2 } });
    await carol!.user.call('messages.send', { conversationId, messageId: 'g-3', content: { kind: 'text', body: secrets.group3 } });
    await alice!.user.call('groups.rename', { groupId: group.groupId, name: secrets.name2 });
    await waitFor(() => [alice!, bob!, carol!].every((t) => t.user.texts(conversationId).length === 2), 'group messages arrive');
    await waitFor(() => [bob!, carol!].every((t) => t.user.groupEvents.some((e) => e.group.name === secrets.name2)), 'rename arrives');
    expect(carol!.user.texts(conversationId).sort()).toEqual([secrets.group1, secrets.group2].sort());

    const all = Object.values(secrets);
    const frames = tapped.flatMap((t) => t.sent);
    expect(frames.length).toBeGreaterThan(20);
    // Every frame as it went over the wire (payloads are raw bytes inside the binary frames).
    for (const frame of frames) expect(leaks(Buffer.from(encodeClientFrame(frame)), all)).toEqual([]);
    // While the relay runs (the WAL still holds recent pages), and after it has shut down and checkpointed.
    for (const bytes of relayFiles()) expect(leaks(bytes, all)).toEqual([]);
    await Promise.all(tapped.map((t) => t.user.commitAll()));
    await relay.close();
    relay = undefined;
    const files = relayFiles();
    expect(files.reduce((sum, b) => sum + b.length, 0)).toBeGreaterThan(0);
    for (const bytes of files) expect(leaks(bytes, all)).toEqual([]);
    // The check itself finds a planted secret in every form it looks for.
    expect(leaks(Buffer.from(`xx${Buffer.from(`..${secrets.dm1}`).toString('base64')}yy`), [secrets.dm1])).toEqual([secrets.dm1]);
  });
});
