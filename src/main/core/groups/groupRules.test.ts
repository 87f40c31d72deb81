import { describe, expect, it } from 'vitest';
import { toSnapshot, toView, type GroupState } from './group';
import { createGroupState, localChange, receivedChange } from './groupRules';

const GROUP = 'AAAAAAAAAAAAAAAAAAAAAA';
const base = (): GroupState => createGroupState(GROUP, 'Club', 'ann', ['ben', 'cat'], 1);
function ok(result: ReturnType<typeof localChange>): GroupState {
  if (!result.ok) throw new Error(result.reason);
  return result.state;
}

describe('the group model', () => {
  it('view and snapshot are projections of the one state, copied so they never alias it', () => {
    const group = base();
    const view = toView(group);
    expect(view).toEqual({ groupId: GROUP, name: 'Club', members: ['ann', 'ben', 'cat'], admins: ['ann'], createdBy: 'ann', active: true });
    expect(toSnapshot(group)).toEqual({ name: 'Club', members: ['ann', 'ben', 'cat'], admins: ['ann'], createdBy: 'ann', revision: 1 });
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
    expect(receivedChange(group, GROUP, 'ben', { kind: 'renamed', by: 'ben', name: 'Hijacked' }, forged, 'cat', 2)).toEqual({ ok: false, reason: 'not_group_admin' });
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
});
