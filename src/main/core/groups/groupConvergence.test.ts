// Concurrent group changes converge: members who hold the same changes hold the same group, whatever order the
// changes reached them in (groupRules.ts, docs/protocol.md "Group changes").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GroupUpdate } from '../../../shared/ipc';
import { MAX_LOGGED_CHANGES, toSnapshot, type GroupState } from './group';
import { createGroupState, localChange, receivedChange, type ReceivedChange } from './groupRules';

const GROUP = 'AAAAAAAAAAAAAAAAAAAAAA';
const LINK = 'ZZZZZZZZZZZZZZZZZZZZZw';
const DEVICES = ['ann', 'ben', 'cat'] as const;
const OUTSIDERS = ['eve', 'fay', 'gus'];

let ids = 0;
const nextId = () => `m${++ids}`;

function must(result: ReturnType<typeof localChange>): GroupState {
  if (!result.ok) throw new Error(result.reason);
  return result.state;
}

/** Ann's group with Ben as a second admin, Cat a member, and a link that lets in one person: the same on all three. */
function start(): Map<string, GroupState> {
  let ann = createGroupState(GROUP, 'Club', 'ann', ['ben', 'cat'], 1);
  const changes: ReceivedChange[] = [];
  for (const update of [
    { kind: 'admin_added', by: 'ann', member: 'ben' },
    { kind: 'invite_created', by: 'ann', link: { inviteId: LINK, device: 1, createdAt: 1, expiresAt: 10_000, maxUses: 1, approval: true } },
  ] satisfies GroupUpdate[]) {
    const messageId = nextId();
    ann = must(localChange(ann, 'ann', update, messageId));
    changes.push({ groupId: GROUP, sender: 'ann', messageId, update, snapshot: toSnapshot(ann) });
  }
  const copies = new Map<string, GroupState>([['ann', ann]]);
  for (const me of ['ben', 'cat']) {
    copies.set(me, changes.reduce((state, change) => must(receivedChange(state, change, me, 2)), createGroupState(GROUP, 'Club', 'ann', ['ben', 'cat'], 1)));
  }
  return copies;
}

/** What a person would do to the group, from their own copy (made only where their copy allows it). */
function updateFor(by: string, pick: number, arg: number): GroupUpdate {
  const someone = [...DEVICES, ...OUTSIDERS][arg % 6]!;
  const outsider = OUTSIDERS[arg % 3]!;
  const updates: GroupUpdate[] = [
    { kind: 'renamed', by, name: `Club ${arg % 4}` },
    { kind: 'members_added', by, members: [outsider], inviteId: LINK },
    { kind: 'members_added', by, members: [outsider] },
    { kind: 'member_removed', by, member: someone },
    { kind: 'admin_added', by, member: someone },
    { kind: 'invite_revoked', by, inviteId: LINK },
    { kind: 'approval_changed', by, approveNewMembers: arg % 2 === 0 },
    { kind: 'join_declined', by, inviteId: LINK, member: outsider },
    { kind: 'member_left', by },
  ];
  return updates[pick % updates.length]!;
}

/** The group as a member sees it, without what is this device's own (whether it is still in, its log). */
function shared(state: GroupState) {
  return { ...toSnapshot(state), keyEpoch: state.keyEpoch };
}

const step = fc.oneof(
  fc.record({ make: fc.constantFrom(...DEVICES), pick: fc.nat(8), arg: fc.nat(11) }),
  fc.record({ deliverTo: fc.constantFrom(...DEVICES), which: fc.nat() }),
);

/** Ann lets Eve in and Ben lets Fay in through the one-use link at the same moment, each from their own copy. */
function lastSeatRace() {
  const copies = start();
  const byAnn: GroupUpdate = { kind: 'members_added', by: 'ann', members: ['eve'], inviteId: LINK };
  const byBen: GroupUpdate = { kind: 'members_added', by: 'ben', members: ['fay'], inviteId: LINK };
  const annId = nextId();
  const benId = nextId();
  const atAnn = must(localChange(copies.get('ann')!, 'ann', byAnn, annId));
  const atBen = must(localChange(copies.get('ben')!, 'ben', byBen, benId));
  const fromAnn: ReceivedChange = { groupId: GROUP, sender: 'ann', messageId: annId, update: byAnn, snapshot: toSnapshot(atAnn) };
  const fromBen: ReceivedChange = { groupId: GROUP, sender: 'ben', messageId: benId, update: byBen, snapshot: toSnapshot(atBen) };
  return { copies, atAnn, atBen, fromAnn, fromBen };
}

describe('concurrent group changes', () => {
  it('members given the same changes in different orders end with the same group, and a link is never used beyond its limit', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), (steps, drainOrder) => {
        const copies = start();
        // Changes each device has not received yet, in the order they were made (the relay may deliver any first).
        const inFlight = new Map<string, ReceivedChange[]>(DEVICES.map((d) => [d, []]));
        const deliver = (to: string, which: number) => {
          const queue = inFlight.get(to)!;
          if (queue.length === 0) return;
          const [change] = queue.splice(which % queue.length, 1);
          const result = receivedChange(copies.get(to), change!, to, 2);
          // Applied, or kept in the order without effect for now.
          if (result.state) copies.set(to, result.state);
        };
        for (const s of steps) {
          if ('deliverTo' in s) {
            deliver(s.deliverTo, s.which);
            continue;
          }
          const messageId = nextId();
          const update = updateFor(s.make, s.pick, s.arg);
          const made = localChange(copies.get(s.make)!, s.make, update, messageId);
          if (!made.ok) continue;
          copies.set(s.make, made.state);
          for (const to of DEVICES) if (to !== s.make) inFlight.get(to)!.push({ groupId: GROUP, sender: s.make, messageId, update, snapshot: toSnapshot(made.state) });
        }
        let turn = 0;
        for (const to of DEVICES) while (inFlight.get(to)!.length > 0) deliver(to, drainOrder[turn++ % drainOrder.length]!);

        const [first, ...rest] = DEVICES.map((d) => shared(copies.get(d)!));
        for (const other of rest) expect(other).toEqual(first);
        for (const link of first!.inviteLinks) expect(link.uses).toBeLessThanOrEqual(link.maxUses);
      }),
      { numRuns: 300 },
    );
  });

  it('two admins let in the last person a link allows at once: everyone keeps the same one of them', () => {
    const { copies, atAnn, atBen, fromAnn, fromBen } = lastSeatRace();
    // Each admin first sees its own change; Cat gets Ben's first. One of the two is refused where it arrives second.
    const ann = receivedChange(atAnn, fromBen, 'ann', 2);
    const ben = receivedChange(atBen, fromAnn, 'ben', 2);
    const catFirst = must(receivedChange(copies.get('cat')!, fromBen, 'cat', 2));
    const cat = receivedChange(catFirst, fromAnn, 'cat', 2);
    const finals = [ann.state ?? atAnn, ben.state ?? atBen, cat.state ?? catFirst];
    const members = finals.map((state) => state.members);
    expect(members[1]).toEqual(members[0]);
    expect(members[2]).toEqual(members[0]);
    expect(members[0]!.filter((m) => m === 'eve' || m === 'fay')).toHaveLength(1);
    for (const state of finals) expect(state.inviteLinks[0]).toMatchObject({ uses: 1, maxUses: 1 });
  });

  it('the admin whose admission is skipped learns whom it let in, and that joiner’s copy names who admitted them', () => {
    const { atAnn, atBen, fromAnn, fromBen } = lastSeatRace();
    const ann = receivedChange(atAnn, fromBen, 'ann', 2);
    const ben = receivedChange(atBen, fromAnn, 'ben', 2);
    // Exactly one admin's admission is skipped, and only that admin is told whom it had let in.
    const [loser, winner, lost] = ann.ok ? [ann, ben, 'eve'] : [ben, ann, 'fay'];
    expect(loser).toMatchObject({ ok: true, undone: [lost] });
    expect(winner.ok).toBe(false);
    expect(winner).not.toHaveProperty('undone');
    expect(loser.state?.members).not.toContain(lost);
    // Each joiner's copy starts from its admin's snapshot and remembers that admin; a later change keeps it.
    const eve = must(receivedChange(undefined, fromAnn, 'eve', 2));
    expect(eve.admittedBy).toBe('ann');
    const renamed: GroupUpdate = { kind: 'renamed', by: 'ann', name: 'Club!' };
    const renameId = nextId();
    const annRenamed = must(localChange(atAnn, 'ann', renamed, renameId));
    expect(must(receivedChange(eve, { groupId: GROUP, sender: 'ann', messageId: renameId, update: renamed, snapshot: toSnapshot(annRenamed) }, 'eve', 3)).admittedBy).toBe('ann');
    // Added directly (no link): no one can undo it this way.
    const direct: GroupUpdate = { kind: 'members_added', by: 'ann', members: ['gus'] };
    const directId = nextId();
    const withGus = must(localChange(atAnn, 'ann', direct, directId));
    expect(must(receivedChange(undefined, { groupId: GROUP, sender: 'ann', messageId: directId, update: direct, snapshot: toSnapshot(withGus) }, 'gus', 2))).not.toHaveProperty('admittedBy');
  });

  it('keeps the last changes only: one older than all of them is refused as stale', () => {
    let ann = start().get('ann')!;
    const old = { update: { kind: 'renamed', by: 'ann', name: 'Late' } satisfies GroupUpdate, revision: ann.revision + 1 };
    for (let n = 0; n <= MAX_LOGGED_CHANGES; n++) ann = must(localChange(ann, 'ann', { kind: 'renamed', by: 'ann', name: `Club ${n}` }, nextId()));
    expect(ann.log?.changes).toHaveLength(MAX_LOGGED_CHANGES);
    const late = { groupId: GROUP, sender: 'ann', messageId: nextId(), update: old.update, snapshot: { ...toSnapshot(ann), revision: old.revision } };
    expect(receivedChange(ann, late, 'ben', 2)).toEqual({ ok: false, reason: 'stale' });
  });
});
