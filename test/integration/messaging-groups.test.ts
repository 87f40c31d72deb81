// A group of five through a real relay: created by one admin, every member's messages reach every other member as
// one ciphertext fanned out by the relay; then a member is removed, everyone rotates, and the removed member's core
// cannot decrypt anything sent after the removal even when handed the captured ciphertexts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/main/core/transport';
import type { GroupView } from '../../src/shared/ipc';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { deliverFrame, sendFrames, tappedUser, type TappedUser } from './messaging-harness';
import { waitFor } from './support';

let relay: TestRelay;
const tapped: TappedUser[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  await Promise.all(tapped.map((t) => t.user.close()));
  await Promise.all(tapped.splice(0).map((t) => t.proxy.close()));
});
afterAll(async () => {
  await relay?.close();
});

const texts = (t: TappedUser, conversationId: string) => t.user.texts(conversationId);

describe('groups', () => {
  it('a group of five: fan-out, admin rules, removal with rotation', { timeout: 60_000 }, async () => {
    const eveFailures: string[] = [];
    const eveLogger = {
      ...silentLogger,
      warn: (event: string, fields?: Record<string, unknown>) => {
        if (event === 'receive.decrypt_failed') eveFailures.push(String(fields?.code));
      },
    };
    const [ann, ben, cat, dan, eve] = await Promise.all(
      ['ann', 'ben', 'cat', 'dan', 'eve'].map((name) => tappedUser(relay.port, name, name === 'eve' ? { logger: eveLogger } : {})),
    );
    tapped.push(ann!, ben!, cat!, dan!, eve!);
    const all = [ann!, ben!, cat!, dan!, eve!];
    const others = [ben!, cat!, dan!, eve!];

    const group = await ann!.user.callRetrying('groups.create', { name: 'Hiking club', members: others.map((t) => t.user.username) });
    expect(group).toMatchObject({ name: 'Hiking club', createdBy: ann!.user.username, admins: [ann!.user.username], active: true });
    expect(group.members).toHaveLength(5);
    const conversationId = `group:${group.groupId}`;
    for (const member of others) {
      await waitFor(() => member.user.groupEvents.some((e) => e.group.groupId === group.groupId), `${member.user.username} learns of the group`);
      expect(await member.user.call('groups.list', {})).toEqual([{ ...group }]);
    }
    // The creation shows once in everyone's history, the creator's included.
    for (const member of all) {
      await waitFor(() => member.user.conversation(conversationId).some((m) => m.content.kind === 'group_update'), 'created in history');
    }

    // Every member writes once; each message is one `send` to the four other devices.
    for (const [i, member] of all.entries()) {
      await member.user.call('messages.send', { conversationId, messageId: `before-${i}`, content: { kind: 'text', body: `before removal from ${i}` } });
    }
    for (const [i, member] of all.entries()) {
      await waitFor(() => texts(member, conversationId).length === 4, `${member.user.username} reads the others`);
      expect(texts(member, conversationId)).not.toContain(`before removal from ${i}`);
    }
    const groupSend = sendFrames(ann!.sent).find((f) => f.to.length === 4);
    expect(groupSend?.to.map((a) => a.user).sort()).toEqual(others.map((t) => t.user.username).sort());

    // A receipt goes back to the message's sender alone, not to the whole group.
    const benSent = ben!.sent.length;
    await ben!.user.call('messages.send', { conversationId, messageId: 'rcpt-1', content: { kind: 'receipt', receipt: 'read', messageIds: ['before-0'] } });
    await waitFor(() => ann!.user.conversation(conversationId).some((m) => m.content.kind === 'receipt'), 'Ann gets the receipt');
    expect(sendFrames(ben!.sent.slice(benSent)).map((f) => f.to)).toEqual([[{ user: ann!.user.username, device: 1 }]]);

    // Only admins change the group: checked where it is asked, and again by every member that receives a change.
    expect((await ben!.user.failure('groups.rename', { groupId: group.groupId, name: 'Ben’s club' })).code).toBe('not_group_admin');
    expect((await ben!.user.failure('groups.removeMember', { groupId: group.groupId, member: eve!.user.username })).code).toBe('not_group_admin');
    const renamed = await ann!.user.call('groups.rename', { groupId: group.groupId, name: 'Hiking & climbing' });
    expect(renamed.name).toBe('Hiking & climbing');
    await waitFor(() => others.every((m) => m.user.groupEvents.some((e) => e.group.name === 'Hiking & climbing')), 'rename reaches everyone');

    // Remove Eve: everyone else rotates; Eve learns she is out.
    const removed: GroupView = await ann!.user.call('groups.removeMember', { groupId: group.groupId, member: eve!.user.username });
    expect(removed.members).not.toContain(eve!.user.username);
    await waitFor(() => [ben!, cat!, dan!].every((m) => m.user.groupEvents.some((e) => e.update?.kind === 'member_removed')), 'removal reaches the others');
    await waitFor(() => eve!.user.groupEvents.some((e) => e.update?.kind === 'member_removed' && !e.group.active), 'Eve learns she was removed');
    expect((await eve!.user.failure('messages.send', { conversationId, messageId: 'eve-after', content: { kind: 'text', body: 'still here?' } })).code).toBe(
      'not_group_member',
    );

    // From here on (the removal notice to Eve is behind us), nothing may go to Eve.
    const sentBefore = new Map(all.map((t) => [t, t.sent.length]));
    for (const [i, member] of [ann!, ben!, cat!, dan!].entries()) {
      await member.user.call('messages.send', { conversationId, messageId: `after-${i}`, content: { kind: 'text', body: `secret after removal ${i}` } });
    }
    for (const member of [ann!, ben!, cat!, dan!]) {
      await waitFor(() => texts(member, conversationId).filter((t) => t.startsWith('secret after')).length === 3, `${member.user.username} reads after removal`);
    }
    // The group messages sent after the removal went to the four remaining devices only.
    const afterSends = [ann!, ben!, cat!, dan!].flatMap((t) => sendFrames(t.sent.slice(sentBefore.get(t))));
    const groupCiphertexts = afterSends.filter((f) => f.to.length === 3);
    expect(groupCiphertexts).toHaveLength(4);
    for (const frame of afterSends) expect(frame.to.map((a) => a.user)).not.toContain(eve!.user.username);

    // Hand Eve every one of those ciphertexts as if the relay had delivered them to her: none opens.
    const eveStats = () => eve!.user.core.client.messenger().receiveStats;
    const failedBefore = eveStats().failed;
    for (const [i, frame] of groupCiphertexts.entries()) {
      const sender = [ann!, ben!, cat!, dan!][i]!.user.username;
      eve!.proxy.inject(deliverFrame({ user: sender, device: 1 }, `${frame.messageId.slice(0, 20)}x${i}`, frame.payload));
    }
    await waitFor(() => eveStats().failed === failedBefore + groupCiphertexts.length, 'Eve fails on every injected ciphertext');
    // Not merely refused because she is no longer a member: she holds no key that opens them (every sender rotated).
    expect(eveFailures.slice(-groupCiphertexts.length)).toEqual(groupCiphertexts.map(() => 'unknown_session'));
    expect(texts(eve!, conversationId).some((t) => t.startsWith('secret after'))).toBe(false);
    expect(texts(eve!, conversationId)).toHaveLength(4);

    // Leaving is a removal by oneself: Dan leaves, the rest rotate again and go on without him.
    await dan!.user.call('groups.leave', { groupId: group.groupId });
    await waitFor(() => [ann!, ben!, cat!].every((m) => m.user.groupEvents.some((e) => e.update?.kind === 'member_left')), 'leave reaches the others');
    await cat!.user.call('messages.send', { conversationId, messageId: 'after-leave', content: { kind: 'text', body: 'bye Dan' } });
    await waitFor(() => [ann!, ben!].every((m) => texts(m, conversationId).includes('bye Dan')), 'after leave');
    expect(texts(dan!, conversationId)).not.toContain('bye Dan');
    for (const member of all) expect(member.user.duplicates).toBe(0);
  });

  it('group content that outruns its group’s notice waits for it instead of being lost', { timeout: 30_000 }, async () => {
    const [ann, ben, cat] = await Promise.all(['ann', 'ben', 'cat'].map((name) => tappedUser(relay.port, name)));
    tapped.push(ann!, ben!, cat!);
    // Ann's sends to Cat are stuck on their way to the relay; her sends to Ben get through. So Ben's first group
    // message reaches Cat's mailbox before the notice that tells Cat about the group.
    ann!.proxy.holdClient((frame) => frame.type === 'send' && frame.to.some((a) => a.user === cat!.user.username));
    const creating = ann!.user.callRetrying('groups.create', { name: 'Book club', members: [ben!.user.username, cat!.user.username] });
    await waitFor(() => ben!.user.groupEvents.length > 0, 'Ben knows the group');
    const conversationId = `group:${ben!.user.groupEvents[0]!.group.groupId}`;
    await ben!.user.call('messages.send', { conversationId, messageId: 'early', content: { kind: 'text', body: 'first!' } });
    await waitFor(() => ann!.user.texts(conversationId).length === 1, 'Ann reads Ben');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(cat!.user.texts(conversationId)).toEqual([]);
    expect(cat!.user.core.client.messenger().receiveStats.failed).toBe(0);
    ann!.proxy.release();
    await creating;
    await waitFor(() => cat!.user.texts(conversationId).length === 1, 'Cat reads Ben once the group is known');
    expect(cat!.user.groupEvents[0]?.group.name).toBe('Book club');
    expect(cat!.user.core.client.messenger().receiveStats.failed).toBe(0);
  });
});
