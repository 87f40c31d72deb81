import { describe, expect, it } from 'vitest';
import { createGroupState } from '../groupRules';
import type { GroupState } from '../group';
import type { InviteTerms } from './inviteToken';
import type { InviteRecord } from './InviteStore';
import { decideJoin, type JoinRequestFacts } from './joinRules';

const GROUP = 'AbCdEfGhIjKlMnOpQrStUv';
const NOW = 1_800_000_000_000;
const terms: InviteTerms = {
  groupId: GROUP,
  inviteId: 'ZZZZZZZZZZZZZZZZZZZZZw',
  inviter: 'ann',
  inviterDevice: 1,
  groupName: 'Club',
  expiresAt: NOW + 60_000,
  maxUses: 2,
  approval: false,
};
const record: InviteRecord = {
  inviteId: terms.inviteId,
  groupId: GROUP,
  token: 'T'.repeat(40),
  createdAt: NOW - 1000,
  expiresAt: terms.expiresAt,
  maxUses: 2,
  approval: false,
  uses: 0,
  revoked: false,
  joined: [],
  requests: [],
};
const group: GroupState = createGroupState(GROUP, 'Club', 'ann', ['ben'], NOW - 5000);

function facts(change: Partial<JoinRequestFacts> = {}): JoinRequestFacts {
  return { token: record.token, terms, signatureValid: true, record, group, me: { user: 'ann', device: 1 }, joiner: 'Cat', now: NOW, ...change };
}

describe('decideJoin', () => {
  it('adds the joiner on a live link without approval', () => {
    expect(decideJoin(facts())).toEqual({ kind: 'add' });
  });

  it('holds the request for an admin on an approval link, once per person', () => {
    const approval = { ...record, approval: true };
    expect(decideJoin(facts({ record: approval }))).toEqual({ kind: 'ask_admin' });
    expect(decideJoin(facts({ record: { ...approval, requests: ['cat'] } }))).toEqual({ kind: 'answer', outcome: 'pending_approval' });
    const full = { ...approval, requests: Array.from({ length: 100 }, (_, i) => `user${i}`) };
    expect(decideJoin(facts({ record: full }))).toEqual({ kind: 'answer', outcome: 'used_up' });
  });

  it.each<[string, Partial<JoinRequestFacts>, string]>([
    ['a forged signature', { signatureValid: false }, 'invalid'],
    ['a token this device has no record of', { record: undefined }, 'invalid'],
    ['a token other than the recorded one', { token: 'U'.repeat(40) }, 'invalid'],
    ['a token made on another device of the admin', { me: { user: 'ann', device: 2 } }, 'invalid'],
    ['a token naming another admin', { terms: { ...terms, inviter: 'ben' } }, 'invalid'],
    ['a record of another group', { record: { ...record, groupId: 'BbCdEfGhIjKlMnOpQrStUv' } }, 'invalid'],
    ['a revoked link', { record: { ...record, revoked: true } }, 'revoked'],
    ['an expired link', { now: record.expiresAt }, 'expired'],
    ['a used-up link', { record: { ...record, uses: 2 } }, 'used_up'],
    ['a group this device left', { group: { ...group, active: false } }, 'revoked'],
    ['an admin who is an admin no more', { group: { ...group, admins: ['ben'] } }, 'revoked'],
    ['someone already in the group', { joiner: 'BEN' }, 'already_member'],
  ])('refuses %s', (_name, change, outcome) => {
    expect(decideJoin(facts(change))).toEqual({ kind: 'answer', outcome });
  });

  it('someone counted but not yet added (a crash in between) is added without counting again, while the link is live', () => {
    const counted = { ...record, uses: 2, joined: ['cat'] };
    expect(decideJoin(facts({ record: counted }))).toEqual({ kind: 'add' });
    expect(decideJoin(facts({ record: { ...counted, revoked: true } }))).toEqual({ kind: 'answer', outcome: 'revoked' });
  });

  it('a link without a use limit never runs out', () => {
    expect(decideJoin(facts({ record: { ...record, maxUses: 0, uses: 999 } }))).toEqual({ kind: 'add' });
  });
});
