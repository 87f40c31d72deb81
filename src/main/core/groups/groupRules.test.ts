import { describe, expect, it } from 'vitest';
import type { GroupUpdate } from '../../../shared/ipc';
import { GroupRecord, toRecord, toSnapshot, toView, type GroupSnapshot, type GroupState } from './group';
import { createGroupState, localChange as makeChange, receivedChange as takeChange } from './groupRules';

const GROUP = 'AAAAAAAAAAAAAAAAAAAAAA';
const INVITE = 'ZZZZZZZZZZZZZZZZZZZZZw';
let ids = 0;
const localChange = (state: GroupState, me: string, update: GroupUpdate) => makeChange(state, me, update, `m${++ids}`);
/** One received change (the same message each time it is given again). */
const receivedChange = (current: GroupState | undefined, groupId: string, sender: string, update: GroupUpdate, snapshot: GroupSnapshot, me: string, now: number) =>
  takeChange(current, { groupId, sender, messageId: 'received', update, snapshot }, me, now);
const base = (): GroupState => createGroupState(GROUP, 'Club', 'ann', ['ben', 'cat'], 1);
function ok(result: ReturnType<typeof localChange>): GroupState {
  if (!result.ok) throw new Error(result.reason);
  return result.state;
}

describe('the group model', () => {
  it('view and snapshot are projections of the one state, copied so they never alias it', () => {
    const group = base();
    const view = toView(group);
    expect(view).toEqual({ groupId: GROUP, name: 'Club', members: ['ann', 'ben', 'cat'], admins: ['ann'], createdBy: 'ann', active: true, approveNewMembers: false });
    expect(toSnapshot(group)).toEqual({ name: 'Club', members: ['ann', 'ben', 'cat'], admins: ['ann'], createdBy: 'ann', revision: 1, inviteLinks: [], approveNewMembers: false });
    view.members.push('eve');
    expect(group.members).toEqual(['ann', 'ben', 'cat']);
  });
});

describe('group rules', () => {
  it('the creator is the only admin; members are sorted and normalized', () => {
    const group = createGroupState(GROUP, 'Club', 'Ann', ['Cat', 'ben', 'cat'], 1);
    expect(group).toMatchObject({ members: ['ann', 'ben', 'cat'], admins: ['ann'], createdBy: 'ann', revision: 1, active: true });
  });

  it('only admins rename, add and remove, locally and on receive', () => {
    const group = base();
    expect(localChange(group, 'ben', { kind: 'renamed', by: 'ben', name: 'X' })).toEqual({ ok: false, reason: 'not_group_admin' });
    expect(localChange(group, 'ben', { kind: 'member_removed', by: 'ben', member: 'cat' })).toEqual({ ok: false, reason: 'not_group_admin' });
    // A non-admin's update arriving from the network is refused the same way, whatever snapshot it carries.
    const forged = { ...toSnapshot(group), name: 'Hijacked', revision: 2 };
    // (A member's change is kept in the order without effect: whether it applies depends on the changes around it.)
    const refused = receivedChange(group, GROUP, 'ben', { kind: 'renamed', by: 'ben', name: 'Hijacked' }, forged, 'cat', 2);
    expect(refused).toMatchObject({ ok: false, reason: 'not_group_admin', state: { name: 'Club', members: group.members, admins: group.admins } });
    // A stranger's is not kept at all.
    expect(receivedChange(group, GROUP, 'eve', { kind: 'renamed', by: 'eve', name: 'Hijacked' }, forged, 'cat', 2)).toEqual({ ok: false, reason: 'not_group_member' });
    // …and one claiming to be by someone else than its sender.
    expect(receivedChange(group, GROUP, 'ben', { kind: 'renamed', by: 'ann', name: 'Hijacked' }, forged, 'cat', 2)).toEqual({ ok: false, reason: 'invalid' });
    expect(ok(localChange(group, 'ann', { kind: 'renamed', by: 'ann', name: 'New' }))).toMatchObject({ name: 'New', revision: 2 });
  });

  it('applies an update once, in revision order', () => {
    const group = base();
    const renamed = ok(localChange(group, 'ann', { kind: 'renamed', by: 'ann', name: 'New' }));
    const update = { kind: 'renamed' as const, by: 'ann', name: 'New' };
    const atBen = ok(receivedChange(group, GROUP, 'ann', update, toSnapshot(renamed), 'ben', 2));
    expect(atBen.name).toBe('New');
    expect(receivedChange(atBen, GROUP, 'ann', update, toSnapshot(renamed), 'ben', 2)).toEqual({ ok: false, reason: 'stale' });
  });

  it('a removal or a departure starts a new key epoch; the removed member becomes inactive', () => {
    const group = base();
    const removed = ok(localChange(group, 'ann', { kind: 'member_removed', by: 'ann', member: 'cat' }));
    expect(removed).toMatchObject({ members: ['ann', 'ben'], keyEpoch: 2 });
    const atCat = ok(receivedChange(group, GROUP, 'ann', { kind: 'member_removed', by: 'ann', member: 'cat' }, toSnapshot(removed), 'cat', 2));
    expect(atCat.active).toBe(false);
    const left = ok(localChange(removed, 'ben', { kind: 'member_left', by: 'ben' }));
    expect(left).toMatchObject({ members: ['ann'], keyEpoch: 3, active: false });
    expect(localChange(left, 'ben', { kind: 'renamed', by: 'ben', name: 'x' })).toEqual({ ok: false, reason: 'not_group_member' });
  });

  it('when the last admin leaves, the first remaining member (same for everyone) becomes admin', () => {
    const left = ok(localChange(base(), 'ann', { kind: 'member_left', by: 'ann' }));
    expect(left.admins).toEqual(['ben']);
  });

  it('joins a group it does not know only from an admin who puts this user in it', () => {
    const group = base();
    const snapshot = toSnapshot(group);
    const created = { kind: 'created' as const, by: 'ann', name: 'Club', members: [...group.members] };
    expect(ok(receivedChange(undefined, GROUP, 'ann', created, snapshot, 'ben', 5))).toMatchObject({ name: 'Club', admins: ['ann'], active: true });
    expect(receivedChange(undefined, GROUP, 'ann', created, snapshot, 'dan', 5)).toEqual({ ok: false, reason: 'invalid' });
    expect(receivedChange(undefined, GROUP, 'cat', { ...created, by: 'cat' }, snapshot, 'ben', 5)).toEqual({ ok: false, reason: 'invalid' });
    const added = ok(localChange(group, 'ann', { kind: 'members_added', by: 'ann', members: ['dan'] }));
    expect(ok(receivedChange(undefined, GROUP, 'ann', { kind: 'members_added', by: 'ann', members: ['dan'] }, toSnapshot(added), 'dan', 5)).members).toEqual([
      'ann',
      'ben',
      'cat',
      'dan',
    ]);
  });

  it('admins make admins; only admins make, revoke and answer through invite links, and every member counts the same', () => {
    const group = base();
    expect(localChange(group, 'ben', { kind: 'admin_added', by: 'ben', member: 'ben' })).toEqual({ ok: false, reason: 'not_group_admin' });
    expect(localChange(group, 'ann', { kind: 'admin_added', by: 'ann', member: 'dan' })).toEqual({ ok: false, reason: 'invalid' });
    const twoAdmins = ok(localChange(group, 'ann', { kind: 'admin_added', by: 'ann', member: 'Ben' }));
    expect(twoAdmins.admins).toEqual(['ann', 'ben']);
    expect(localChange(twoAdmins, 'ann', { kind: 'admin_added', by: 'ann', member: 'ben' })).toEqual({ ok: false, reason: 'invalid' });

    const terms = { inviteId: INVITE, device: 3, createdAt: 10_000, expiresAt: 20_000, maxUses: 2, approval: true };
    expect(localChange(twoAdmins, 'cat', { kind: 'invite_created', by: 'cat', link: terms })).toEqual({ ok: false, reason: 'not_group_admin' });
    const linked = ok(localChange(twoAdmins, 'ann', { kind: 'invite_created', by: 'ann', link: terms }));
    expect(linked.inviteLinks).toEqual([{ ...terms, admin: 'ann', uses: 0, revoked: false, declined: [] }]);
    expect(localChange(linked, 'ben', { kind: 'invite_created', by: 'ben', link: terms })).toEqual({ ok: false, reason: 'invalid' });
    // Ben (another admin) lets Dan in with Ann's link: a use, in every member's copy (Cat receives the same).
    const update = { kind: 'members_added' as const, by: 'ben', members: ['dan'], inviteId: INVITE };
    const atBen = ok(localChange(linked, 'ben', update));
    const atCat = ok(receivedChange(linked, GROUP, 'ben', update, toSnapshot(atBen), 'cat', 5));
    expect(atCat.inviteLinks[0]).toMatchObject({ uses: 1 });
    expect(atCat.members).toContain('dan');
    // A join naming a link the group does not have is refused.
    expect(localChange(linked, 'ben', { ...update, inviteId: 'YYYYYYYYYYYYYYYYYYYYYw' })).toEqual({ ok: false, reason: 'invalid' });
    // Turned down, then revoked by the other admin; a non-admin can do neither.
    expect(localChange(atCat, 'cat', { kind: 'invite_revoked', by: 'cat', inviteId: INVITE })).toEqual({ ok: false, reason: 'not_group_admin' });
    const declined = ok(localChange(atCat, 'ann', { kind: 'join_declined', by: 'ann', inviteId: INVITE, member: 'Eve' }));
    expect(declined.inviteLinks[0]?.declined).toEqual(['eve']);
    const revoked = ok(localChange(declined, 'ben', { kind: 'invite_revoked', by: 'ben', inviteId: INVITE }));
    expect(revoked.inviteLinks[0]).toMatchObject({ revoked: true, uses: 1, declined: ['eve'] });
  });

  it('only admins change the “approve new members” setting; a joiner takes it from the snapshot', () => {
    const group = base();
    expect(localChange(group, 'ben', { kind: 'approval_changed', by: 'ben', approveNewMembers: true })).toEqual({ ok: false, reason: 'not_group_admin' });
    const on = ok(localChange(group, 'ann', { kind: 'approval_changed', by: 'ann', approveNewMembers: true }));
    expect(on.approveNewMembers).toBe(true);
    const update = { kind: 'approval_changed' as const, by: 'ann', approveNewMembers: true };
    expect(ok(receivedChange(group, GROUP, 'ann', update, toSnapshot(on), 'cat', 5)).approveNewMembers).toBe(true);
    const added = ok(localChange(on, 'ann', { kind: 'members_added', by: 'ann', members: ['dan'] }));
    expect(ok(receivedChange(undefined, GROUP, 'ann', { kind: 'members_added', by: 'ann', members: ['dan'] }, toSnapshot(added), 'dan', 5)).approveNewMembers).toBe(true);
  });

  it('a group keeps at most 32 links; links that had expired when a newer one was made go, the same for everyone', () => {
    let group = base();
    const link = (n: number, createdAt: number, expiresAt: number) => ({ inviteId: `${String(n).padStart(2, '0')}${'A'.repeat(20)}`, device: 1, createdAt, expiresAt, maxUses: 0, approval: false });
    for (let n = 0; n < 32; n++) group = ok(localChange(group, 'ann', { kind: 'invite_created', by: 'ann', link: link(n, 1_000, n < 5 ? 2_000 : 99_000) }));
    expect(group.inviteLinks).toHaveLength(32);
    // At 1,500 none had expired: no room.
    expect(localChange(group, 'ann', { kind: 'invite_created', by: 'ann', link: link(40, 1_500, 99_000) })).toEqual({ ok: false, reason: 'invalid' });
    // At 3,000 five had expired: they go, the new one is kept.
    const after = ok(localChange(group, 'ann', { kind: 'invite_created', by: 'ann', link: link(41, 3_000, 99_000) }));
    expect(after.inviteLinks).toHaveLength(28);
    expect(after.inviteLinks.at(-1)?.inviteId).toBe(link(41, 0, 0).inviteId);
  });

  it('a member who joins takes the links from the snapshot; a stored group from before links has none', () => {
    const group = ok(localChange(base(), 'ann', { kind: 'invite_created', by: 'ann', link: { inviteId: INVITE, device: 1, createdAt: 1, expiresAt: 2_000, maxUses: 0, approval: false } }));
    const added = ok(localChange(group, 'ann', { kind: 'members_added', by: 'ann', members: ['dan'], inviteId: INVITE }));
    const atDan = ok(receivedChange(undefined, GROUP, 'ann', { kind: 'members_added', by: 'ann', members: ['dan'], inviteId: INVITE }, toSnapshot(added), 'dan', 5));
    expect(atDan.inviteLinks).toEqual(added.inviteLinks);
    const { inviteLinks: _none, ...before } = toRecord(base());
    expect(GroupRecord.parse(before).inviteLinks).toEqual([]);
  });
});
