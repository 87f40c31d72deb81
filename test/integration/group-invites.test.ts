// Group invite links through a real relay: an admin makes a link, another user reads it, asks, and is added by the
// admin's device (which the rest of the group hears as any addition); a used-up link, a revoked link and a forged
// token let no one in; on an approval link the admin lets the person in by hand. With two admins, either answers
// for a link the other made: the first answer settles the request on both, and a revocation holds on both; an
// admin’s linked laptop knows her links and answers for them. Two admins letting in the last person a link allows at
// the same moment end with the same group on every device, the limit kept.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { TestUser } from './messaging-harness';
import { waitFor } from './support';

let relay: TestRelay;
const users: TestUser[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  await Promise.all(users.splice(0).map((u) => u.close()));
});
afterAll(async () => {
  await relay?.close();
});

async function user(prefix: string, options: { now?: () => number } = {}): Promise<TestUser> {
  const created = await TestUser.create(relay.url, prefix, options);
  users.push(created);
  return created;
}

const tokenOf = (link: string) => link.slice('parley://join/'.length);
const heard = (u: TestUser, kind: string, by?: string) => () => u.groupEvents.some((e) => e.update?.kind === kind && (by === undefined || e.update?.by === by));
const isIn = (u: TestUser, groupId: string) => () => u.groupEvents.some((e) => e.group.groupId === groupId && e.group.members.includes(u.username) && e.group.active);

describe('group invites', () => {
  it('a link adds the joiner; used up, revoked and forged links are refused', { timeout: 60_000 }, async () => {
    const [ann, ben, cat, dan] = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((name) => user(name)));
    const group = await ann!.callRetrying('groups.create', { name: 'Book club', members: [ben!.username] });
    const invite = await ann!.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 24, maxUses: 1 });
    expect(invite).toMatchObject({ groupId: group.groupId, maxUses: 1, uses: 0, revoked: false, requests: [] });
    expect(invite.link).toMatch(/^parley:\/\/join\/[A-Za-z0-9_-]+$/);
    await waitFor(isIn(ben!, group.groupId), 'Ben learns of the group');
    expect((await ben!.failure('groups.createInvite', { groupId: group.groupId, expiresInHours: 1, maxUses: 0 })).code).toBe('not_group_admin');

    const token = tokenOf(invite.link!);
    expect(await cat!.call('groups.previewInvite', { token })).toEqual({
      groupId: group.groupId,
      groupName: 'Book club',
      inviter: ann!.username,
      expiresAt: invite.expiresAt,
      approval: false,
      alreadyMember: false,
    });
    await cat!.call('groups.join', { token });
    await waitFor(isIn(cat!, group.groupId), 'Cat is added');
    const [catsView] = await cat!.call('groups.list', {});
    expect(catsView?.members).toEqual([ann!.username, ben!.username, cat!.username].sort());
    await waitFor(() => ben!.groupEvents.some((e) => e.update?.kind === 'members_added' && e.group.members.includes(cat!.username)), 'Ben hears of Cat');
    expect((await ann!.call('groups.invites', { groupId: group.groupId }))[0]).toMatchObject({ uses: 1 });

    // Cat is a member like any other: her message reaches Ben.
    await cat!.callRetrying('messages.send', { conversationId: `group:${group.groupId}`, messageId: 'from-cat-1', content: { kind: 'text', body: 'hello from the link' } });
    await waitFor(() => ben!.texts(`group:${group.groupId}`).includes('hello from the link'), 'Ben reads Cat');

    // The link allowed one person.
    await dan!.call('groups.join', { token });
    await waitFor(() => dan!.joinAnswers.length === 1, 'Dan is answered');
    expect(dan!.joinAnswers[0]).toEqual({ groupId: group.groupId, inviter: ann!.username, outcome: 'used_up' });

    // A revoked link.
    const second = await ann!.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 1, maxUses: 0 });
    expect(await ann!.call('groups.revokeInvite', { groupId: group.groupId, inviteId: second.inviteId })).toMatchObject({ revoked: true });
    await dan!.call('groups.join', { token: tokenOf(second.link!) });
    await waitFor(() => dan!.joinAnswers.length === 2, 'Dan is answered again');
    expect(dan!.joinAnswers[1]).toMatchObject({ outcome: 'revoked' });

    // A forged token: Ann's link with one byte of the signature changed is refused before anything is sent.
    const bytes = Buffer.from(tokenOf(second.link!), 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect((await dan!.failure('groups.join', { token: bytes.toString('base64url') })).code).toBe('bad_invite');
    expect((await dan!.failure('groups.previewInvite', { token: 'not-a-real-invite-token' })).code).toBe('bad_invite');
    expect(await dan!.call('groups.list', {})).toEqual([]);
  });

  it('on an approval link the admin decides', { timeout: 60_000 }, async () => {
    const [ann, ben, cat, dan] = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((name) => user(name)));
    const group = await ann!.callRetrying('groups.create', { name: 'Quiet room', members: [ben!.username] });
    await ann!.call('groups.setApproval', { groupId: group.groupId, approveNewMembers: true });
    const invite = await ann!.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 2, maxUses: 0 });
    const token = tokenOf(invite.link!);
    expect((await cat!.call('groups.previewInvite', { token })).approval).toBe(true);

    await cat!.call('groups.join', { token });
    await dan!.call('groups.join', { token });
    await waitFor(() => cat!.joinAnswers.length === 1 && dan!.joinAnswers.length === 1, 'both are told to wait');
    expect(cat!.joinAnswers[0]).toMatchObject({ outcome: 'pending_approval' });
    await waitFor(() => ann!.inviteEvents.includes(group.groupId), 'Ann hears of the requests');
    const [waiting] = await ann!.call('groups.invites', { groupId: group.groupId });
    expect(waiting?.requests.sort()).toEqual([cat!.username, dan!.username].sort());

    await ann!.call('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: cat!.username, approve: true });
    const after = await ann!.call('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: dan!.username, approve: false });
    expect(after).toMatchObject({ uses: 1, requests: [] });
    await waitFor(isIn(cat!, group.groupId), 'Cat is let in');
    await waitFor(() => dan!.joinAnswers.some((a) => a.outcome === 'declined'), 'Dan is turned away');
    expect(await dan!.call('groups.list', {})).toEqual([]);
    expect((await ann!.call('groups.list', {}))[0]?.members).toEqual([ann!.username, ben!.username, cat!.username].sort());

    // Revoking the link tells whoever still waits on it.
    const eve = await user('eve');
    await eve.call('groups.join', { token });
    await waitFor(() => eve.joinAnswers.some((a) => a.outcome === 'pending_approval'), 'Eve is told to wait');
    await ann!.call('groups.revokeInvite', { groupId: group.groupId, inviteId: invite.inviteId });
    await waitFor(() => eve.joinAnswers.some((a) => a.outcome === 'revoked'), 'Eve hears the link was revoked');
  });

  it('a request made while the admin is offline is answered when the admin comes back', { timeout: 60_000 }, async () => {
    const [ann, ben, cat] = await Promise.all(['ann', 'ben', 'cat'].map((name) => user(name)));
    const group = await ann!.callRetrying('groups.create', { name: 'Night owls', members: [ben!.username] });
    const invite = await ann!.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 1, maxUses: 0 });
    await ann!.close();
    await cat!.call('groups.join', { token: tokenOf(invite.link!) });
    expect(await cat!.call('groups.list', {})).toEqual([]);
    await ann!.open();
    await ann!.waitOnline();
    await waitFor(isIn(cat!, group.groupId), 'Cat is added once Ann is back');
    expect((await ann!.call('groups.invites', { groupId: group.groupId }))[0]).toMatchObject({ uses: 1 });
  });

  it('the joiner still waits for approval after a restart, and stops waiting when let in or turned away', { timeout: 60_000 }, async () => {
    const [ann, ben, cat, dan] = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((name) => user(name)));
    const group = await ann!.callRetrying('groups.create', { name: 'Choir', members: [ben!.username] });
    await ann!.call('groups.setApproval', { groupId: group.groupId, approveNewMembers: true });
    const invite = await ann!.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 2, maxUses: 0 });
    const token = tokenOf(invite.link!);
    await cat!.call('groups.join', { token });
    await dan!.call('groups.join', { token });
    await waitFor(() => cat!.joinAnswers.length === 1 && dan!.joinAnswers.length === 1, 'both are told to wait');
    const waiting = { groupId: group.groupId, groupName: 'Choir', inviter: ann!.username, expiresAt: invite.expiresAt, approval: true, waiting: true };
    expect(await cat!.call('groups.pendingJoins', {})).toEqual([expect.objectContaining(waiting)]);

    // Both quit; the admin answers while they are away.
    await Promise.all([cat!.close(), dan!.close()]);
    await Promise.all([cat!.open(), dan!.open()]);
    expect(await cat!.call('groups.pendingJoins', {})).toEqual([expect.objectContaining(waiting)]);
    expect(await dan!.call('groups.pendingJoins', {})).toEqual([expect.objectContaining(waiting)]);
    await Promise.all([cat!.waitOnline(), dan!.waitOnline()]);
    await ann!.call('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: cat!.username, approve: true });
    await ann!.call('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: dan!.username, approve: false });

    await waitFor(isIn(cat!, group.groupId), 'Cat is let in');
    expect(await cat!.call('groups.pendingJoins', {})).toEqual([]);
    // The refusal reaches Dan after his restart: the request he sent before it is still his.
    await waitFor(() => dan!.joinAnswers.some((a) => a.outcome === 'declined'), 'Dan hears he was turned away');
    expect(await dan!.call('groups.pendingJoins', {})).toEqual([]);
  });

  it('an expired link is refused end to end by the admin’s device (its clock moved past the expiry)', { timeout: 60_000 }, async () => {
    let annSkewMs = 0;
    const ann = await user('ann', { now: () => Date.now() + annSkewMs });
    const [ben, cat] = await Promise.all(['ben', 'cat'].map((name) => user(name)));
    const group = await ann.callRetrying('groups.create', { name: 'Early birds', members: [ben!.username] });
    const invite = await ann.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 1, maxUses: 0 });
    const token = tokenOf(invite.link!);

    // An hour and a minute later on Ann's device; Cat's clock still says the link is live, so Cat asks.
    annSkewMs = 61 * 60_000;
    await cat!.call('groups.join', { token });
    await waitFor(() => cat!.joinAnswers.length === 1, 'Cat is answered');
    expect(cat!.joinAnswers[0]).toEqual({ groupId: group.groupId, inviter: ann.username, outcome: 'expired' });
    expect(await cat!.call('groups.list', {})).toEqual([]);
    expect(await cat!.call('groups.pendingJoins', {})).toEqual([]);
    expect((await ann.call('groups.invites', { groupId: group.groupId }))[0]).toMatchObject({ uses: 0 });
    expect((await ann.call('groups.list', {}))[0]?.members).toEqual([ann.username, ben!.username].sort());

    // Ann's device reads the link as expired too.
    expect((await ann.failure('groups.previewInvite', { token })).code).toBe('invite_expired');
  });

  it('two admins: Ben answers for Ann’s link, a request Ann turned down leaves Ben’s list, and Ann’s revocation holds on Ben’s device', { timeout: 90_000 }, async () => {
    const [ann, ben, cat, dan, eve] = await Promise.all(['ann', 'ben', 'cat', 'dan', 'eve'].map((name) => user(name)));
    const group = await ann!.callRetrying('groups.create', { name: 'Two admins', members: [ben!.username] });
    await waitFor(isIn(ben!, group.groupId), 'Ben learns of the group');
    expect((await ann!.call('groups.makeAdmin', { groupId: group.groupId, member: ben!.username })).admins).toEqual([ann!.username, ben!.username].sort());
    await waitFor(heard(ben!, 'admin_added'), 'Ben is made an admin');
    await ann!.call('groups.setApproval', { groupId: group.groupId, approveNewMembers: true });
    const invite = await ann!.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 2, maxUses: 5 });
    await waitFor(heard(ben!, 'invite_created'), 'Ben’s device learns of Ann’s link');
    const [atBen] = await ben!.call('groups.invites', { groupId: group.groupId });
    expect(atBen).toMatchObject({ inviteId: invite.inviteId, admin: ann!.username, maxUses: 5, uses: 0, revoked: false });
    expect(atBen?.link).toBeUndefined();
    const token = tokenOf(invite.link!);

    // Both admins' devices get both requests.
    await cat!.call('groups.join', { token });
    await dan!.call('groups.join', { token });
    await waitFor(() => cat!.joinAnswers.length > 0 && dan!.joinAnswers.length > 0, 'both are told to wait');
    expect(cat!.joinAnswers[0]).toMatchObject({ inviter: ann!.username, outcome: 'pending_approval' });
    const twoWaiting = [cat!.username, dan!.username].sort();
    const waitingAt = async (admin: TestUser) => (await admin.call('groups.invites', { groupId: group.groupId }))[0]?.requests.sort() ?? [];
    for (const admin of [ann!, ben!]) {
      await waitFor(() => admin.inviteEvents.filter((g) => g === group.groupId).length >= 2, 'both requests reach the admin');
      expect(await waitingAt(admin)).toEqual(twoWaiting);
    }

    // Ben lets Cat in with Ann's link; Ann's device counts the use and drops Cat's request.
    await ben!.call('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: cat!.username, approve: true });
    await waitFor(isIn(cat!, group.groupId), 'Cat is let in by Ben');
    await waitFor(heard(ann!, 'members_added', ben!.username), 'Ann hears Ben let Cat in');
    const added = ann!.groupEvents.find((e) => e.update?.kind === 'members_added');
    expect(added?.update).toEqual({ kind: 'members_added', by: ben!.username, members: [cat!.username], inviteId: invite.inviteId });
    expect((await ann!.call('groups.invites', { groupId: group.groupId }))[0]).toMatchObject({ uses: 1, requests: [dan!.username] });

    // Ann turns Dan down; the request leaves Ben's list and Ben can no longer answer it.
    await ann!.call('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: dan!.username, approve: false });
    await waitFor(() => dan!.joinAnswers.some((a) => a.outcome === 'declined'), 'Dan is turned away');
    await waitFor(heard(ben!, 'join_declined', ann!.username), 'Ben hears Ann turned Dan down');
    expect((await ben!.call('groups.invites', { groupId: group.groupId }))[0]).toMatchObject({ uses: 1, requests: [] });
    expect((await ben!.failure('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: dan!.username, approve: true })).code).toBe('invalid_request');
    expect(await dan!.call('groups.list', {})).toEqual([]);

    // Ann revokes and goes offline: Ben's device alone refuses the link.
    await ann!.call('groups.revokeInvite', { groupId: group.groupId, inviteId: invite.inviteId });
    await waitFor(heard(ben!, 'invite_revoked', ann!.username), 'Ben hears of the revocation');
    expect((await ben!.call('groups.invites', { groupId: group.groupId }))[0]).toMatchObject({ revoked: true });
    await ann!.close();
    await eve!.call('groups.join', { token });
    await waitFor(() => eve!.joinAnswers.length > 0, 'Eve is answered by Ben’s device');
    expect(eve!.joinAnswers[0]).toEqual({ groupId: group.groupId, inviter: ann!.username, outcome: 'revoked' });
    expect(await eve!.call('groups.list', {})).toEqual([]);
  });

  it('a link keeps working while the device that made it is away: another admin lets the person in', { timeout: 60_000 }, async () => {
    const [ann, ben, cat] = await Promise.all(['ann', 'ben', 'cat'].map((name) => user(name)));
    const group = await ann!.callRetrying('groups.create', { name: 'Backup admin', members: [ben!.username] });
    await waitFor(isIn(ben!, group.groupId), 'Ben learns of the group');
    await ann!.call('groups.makeAdmin', { groupId: group.groupId, member: ben!.username });
    const invite = await ann!.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 1, maxUses: 0 });
    await waitFor(heard(ben!, 'invite_created'), 'Ben’s device learns of Ann’s link');
    await ann!.close();

    // Without approval Ann's device would add Cat at once; Ben's device keeps the request (it does not add on its own).
    await cat!.call('groups.join', { token: tokenOf(invite.link!) });
    await waitFor(() => ben!.inviteEvents.includes(group.groupId), 'the request reaches Ben');
    expect((await ben!.call('groups.invites', { groupId: group.groupId }))[0]?.requests).toEqual([cat!.username]);
    expect(await cat!.call('groups.list', {})).toEqual([]);
    await ben!.call('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: cat!.username, approve: true });
    await waitFor(isIn(cat!, group.groupId), 'Cat is let in by Ben');
    expect((await cat!.call('groups.list', {}))[0]?.members).toEqual([ann!.username, ben!.username, cat!.username].sort());
  });

  it('the admin’s linked laptop knows her link and answers for it; her first device then drops the request', { timeout: 90_000 }, async () => {
    const [ann, ben, cat] = await Promise.all(['ann', 'ben', 'cat'].map((name) => user(name)));
    const laptop = await TestUser.linked(relay, ann!, 'Laptop');
    users.push(laptop);
    const group = await ann!.callRetrying('groups.create', { name: 'Two devices', members: [ben!.username] });
    await ann!.call('groups.setApproval', { groupId: group.groupId, approveNewMembers: true });
    const invite = await ann!.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 2, maxUses: 0 });
    await waitFor(heard(laptop, 'invite_created'), 'the laptop learns of the link');
    const [onLaptop] = await laptop.call('groups.invites', { groupId: group.groupId });
    expect(onLaptop).toMatchObject({ inviteId: invite.inviteId, admin: ann!.username, requests: [] });
    expect(onLaptop?.link).toBeUndefined();

    await cat!.call('groups.join', { token: tokenOf(invite.link!) });
    await waitFor(() => laptop.inviteEvents.includes(group.groupId) && ann!.inviteEvents.includes(group.groupId), 'the request reaches both of Ann’s devices');
    expect((await laptop.call('groups.invites', { groupId: group.groupId }))[0]?.requests).toEqual([cat!.username]);
    await laptop.call('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: cat!.username, approve: true });
    await waitFor(isIn(cat!, group.groupId), 'Cat is let in from the laptop');
    await waitFor(heard(ann!, 'members_added'), 'Ann’s first device hears of it');
    expect((await ann!.call('groups.invites', { groupId: group.groupId }))[0]).toMatchObject({ uses: 1, requests: [] });
  });

  it('every link follows the group’s “approve new members” setting, which only admins change', { timeout: 60_000 }, async () => {
    const [ann, ben, cat, dan] = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((name) => user(name)));
    const group = await ann!.callRetrying('groups.create', { name: 'Setting', members: [ben!.username] });
    expect(group.approveNewMembers).toBe(false);
    const invite = await ann!.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 2, maxUses: 0 });
    await waitFor(isIn(ben!, group.groupId), 'Ben learns of the group');
    expect((await ben!.failure('groups.setApproval', { groupId: group.groupId, approveNewMembers: true })).code).toBe('not_group_admin');

    // Turned on after the link was made: the link follows it.
    expect((await ann!.call('groups.setApproval', { groupId: group.groupId, approveNewMembers: true })).approveNewMembers).toBe(true);
    await waitFor(heard(ben!, 'approval_changed', ann!.username), 'Ben hears of the setting');
    expect((await ben!.call('groups.list', {}))[0]?.approveNewMembers).toBe(true);
    await cat!.call('groups.join', { token: tokenOf(invite.link!) });
    await waitFor(() => cat!.joinAnswers.length > 0, 'Cat is answered');
    expect(cat!.joinAnswers[0]).toMatchObject({ outcome: 'pending_approval' });
    expect(await cat!.call('groups.list', {})).toEqual([]);

    // Turned off again: the next person is let in at once by Ann's device.
    await ann!.call('groups.setApproval', { groupId: group.groupId, approveNewMembers: false });
    await dan!.call('groups.join', { token: tokenOf(invite.link!) });
    await waitFor(isIn(dan!, group.groupId), 'Dan is let in at once');
    expect((await ann!.call('groups.invites', { groupId: group.groupId }))[0]?.requests).toEqual([cat!.username]);
  });

  it('an admin made after the link was made gets its requests from the link’s admin’s device and lets the person in', { timeout: 90_000 }, async () => {
    const [ann, ben, cat] = await Promise.all(['ann', 'ben', 'cat'].map((name) => user(name)));
    const group = await ann!.callRetrying('groups.create', { name: 'Later admin', members: [ben!.username] });
    await waitFor(isIn(ben!, group.groupId), 'Ben learns of the group');
    await ann!.call('groups.setApproval', { groupId: group.groupId, approveNewMembers: true });
    const invite = await ann!.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 2, maxUses: 0 });
    // Made an admin after the link: its token names Ann only.
    await ann!.call('groups.makeAdmin', { groupId: group.groupId, member: ben!.username });
    await waitFor(heard(ben!, 'admin_added'), 'Ben is made an admin');

    await cat!.call('groups.join', { token: tokenOf(invite.link!) });
    await waitFor(() => cat!.joinAnswers.length > 0, 'Cat is told to wait');
    expect(cat!.joinAnswers[0]).toMatchObject({ inviter: ann!.username, outcome: 'pending_approval' });
    await expect.poll(async () => (await ben!.call('groups.invites', { groupId: group.groupId }))[0]?.requests, { timeout: 20_000 }).toEqual([cat!.username]);
    await ben!.call('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: cat!.username, approve: true });
    await waitFor(isIn(cat!, group.groupId), 'Cat is let in by Ben');
    await waitFor(heard(ann!, 'members_added', ben!.username), 'Ann hears Ben let Cat in');
    expect((await ann!.call('groups.invites', { groupId: group.groupId }))[0]).toMatchObject({ uses: 1, requests: [] });
  });

  it('two admins let in two people at once with a link that has one use left: every member keeps the same one', { timeout: 90_000 }, async () => {
    const [ann, ben, cat, dan, eve] = await Promise.all(['ann', 'ben', 'cat', 'dan', 'eve'].map((name) => user(name)));
    const group = await ann!.callRetrying('groups.create', { name: 'One seat', members: [ben!.username, cat!.username] });
    await waitFor(isIn(ben!, group.groupId), 'Ben learns of the group');
    await ann!.call('groups.makeAdmin', { groupId: group.groupId, member: ben!.username });
    await ann!.call('groups.setApproval', { groupId: group.groupId, approveNewMembers: true });
    const invite = await ann!.call('groups.createInvite', { groupId: group.groupId, expiresInHours: 2, maxUses: 1 });
    await waitFor(heard(ben!, 'invite_created'), 'Ben’s device learns of Ann’s link');
    const token = tokenOf(invite.link!);
    await dan!.call('groups.join', { token });
    await eve!.call('groups.join', { token });
    for (const admin of [ann!, ben!]) {
      await expect.poll(async () => (await admin.call('groups.invites', { groupId: group.groupId }))[0]?.requests.length, { timeout: 20_000 }).toBe(2);
    }

    // At the same moment: Ann lets Dan in, Ben lets Eve in. Each admin's device allows it (its copy has a use left).
    const answers = await Promise.allSettled([
      ann!.call('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: dan!.username, approve: true }),
      ben!.call('groups.answerJoinRequest', { groupId: group.groupId, inviteId: invite.inviteId, user: eve!.username, approve: true }),
    ]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled']);

    // Once each member has both changes, all three copies are the same group, with one of the two in it.
    const membersAt = async (u: TestUser) => (await u.call('groups.list', {})).find((g) => g.groupId === group.groupId)?.members ?? [];
    let settled: string[] = [];
    const agree = async () => {
      const copies = await Promise.all([ann!, ben!, cat!].map(membersAt));
      settled = copies[0]!;
      return copies.every((m) => m.join() === settled.join()) && settled.filter((m) => m === dan!.username || m === eve!.username).length === 1;
    };
    await expect.poll(agree, { timeout: 20_000 }).toBe(true);
    expect(settled).toHaveLength(4);
    for (const admin of [ann!, ben!]) expect((await admin.call('groups.invites', { groupId: group.groupId }))[0]).toMatchObject({ uses: 1, maxUses: 1 });

    // The one let in by the skipped change is told by the admin who let them in, and leaves the group on their
    // device; the other stays in.
    const [kept, lost, lostBy] = settled.includes(dan!.username) ? [dan!, eve!, ben!] : [eve!, dan!, ann!];
    const activeAt = async (u: TestUser) => (await u.call('groups.list', {})).find((g) => g.groupId === group.groupId)?.active;
    await expect.poll(() => activeAt(lost), { timeout: 20_000 }).toBe(false);
    expect(lost.joinAnswers).toContainEqual({ groupId: group.groupId, inviter: lostBy.username, outcome: 'used_up', admissionUndone: true });
    expect(await activeAt(kept)).toBe(true);
    expect(kept.joinAnswers.filter((a) => a.outcome === 'used_up')).toEqual([]);
  });
});
