import { describe, expect, it } from 'vitest';
import { createGroupState } from '../groupRules';
import type { GroupState, InviteLinkRecord } from '../group';
import type { InviteTerms } from './inviteToken';
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
  admins: ['ann', 'ben'],
};
const link: InviteLinkRecord = {
  inviteId: terms.inviteId,
  admin: 'ann',
  device: 1,
  createdAt: NOW - 1000,
  expiresAt: terms.expiresAt,
  maxUses: 2,
  approval: false,
  uses: 0,
  revoked: false,
  declined: [],
};
const base = createGroupState(GROUP, 'Club', 'ann', ['ben', 'dan'], NOW - 5000);
const group: GroupState = { ...base, admins: ['ann', 'ben'], inviteLinks: [link] };
const withLink = (change: Partial<InviteLinkRecord>): GroupState => ({ ...group, inviteLinks: [{ ...link, ...change }] });

function facts(change: Partial<JoinRequestFacts> = {}): JoinRequestFacts {
  return { terms, signatureValid: true, group, me: { user: 'ann', device: 1 }, joiner: 'Cat', now: NOW, held: [], ...change };
}

describe('decideJoin', () => {
  it('a request another admin’s device handed on is taken only from an admin, and only kept (never answered)', () => {
    const approval = { group: { ...group, approveNewMembers: true } };
    const ben = { user: 'ben', device: 1 };
    // Ben was made an admin after the link, so the token does not name him: Ann's device hands Cat's request on.
    expect(decideJoin(facts({ ...approval, me: ben, forwardedBy: 'ann' }))).toEqual({ kind: 'hold', tell: false });
    expect(decideJoin(facts({ me: ben, forwardedBy: 'ann' }))).toEqual({ kind: 'hold', tell: false });
    // From a member who is not an admin: nothing.
    expect(decideJoin(facts({ ...approval, me: ben, forwardedBy: 'dan' }))).toEqual({ kind: 'ignore' });
    // Refusals are for the admins the token names to give.
    expect(decideJoin(facts({ group: withLink({ revoked: true }), me: ben, forwardedBy: 'ann' }))).toEqual({ kind: 'ignore' });
    expect(decideJoin(facts({ ...approval, me: ben, forwardedBy: 'ann', held: ['cat'] }))).toEqual({ kind: 'ignore' });
  });

  it('the device that signed a link without approval adds the joiner; every other admin device keeps the request, silently', () => {
    expect(decideJoin(facts())).toEqual({ kind: 'add' });
    expect(decideJoin(facts({ me: { user: 'ben', device: 1 } }))).toEqual({ kind: 'hold', tell: false });
    expect(decideJoin(facts({ me: { user: 'ann', device: 2 } }))).toEqual({ kind: 'hold', tell: false });
    expect(decideJoin(facts({ me: { user: 'ben', device: 1 }, held: ['cat'] }))).toEqual({ kind: 'ignore' });
  });

  it('where the group approves new members, every admin device keeps the request once and tells the joiner to wait', () => {
    // The group's setting decides, whatever it was when the link was made.
    const approval = { group: { ...group, approveNewMembers: true } };
    for (const me of [{ user: 'ann', device: 1 }, { user: 'ben', device: 4 }]) {
      expect(decideJoin(facts({ ...approval, me }))).toEqual({ kind: 'hold', tell: true });
      expect(decideJoin(facts({ ...approval, me, held: ['cat'] }))).toEqual({ kind: 'answer', outcome: 'pending_approval' });
    }
    const full = Array.from({ length: 100 }, (_, i) => `user${i}`);
    expect(decideJoin(facts({ ...approval, held: full }))).toEqual({ kind: 'answer', outcome: 'used_up' });
  });

  it('a device whose user is no admin (or not in the group, or of another group) stays silent', () => {
    expect(decideJoin(facts({ me: { user: 'dan', device: 1 } }))).toEqual({ kind: 'ignore' });
    expect(decideJoin(facts({ group: { ...group, active: false } }))).toEqual({ kind: 'ignore' });
    expect(decideJoin(facts({ group: undefined }))).toEqual({ kind: 'ignore' });
    expect(decideJoin(facts({ terms: { ...terms, groupId: 'BbCdEfGhIjKlMnOpQrStUv' } }))).toEqual({ kind: 'ignore' });
  });

  it.each<[string, Partial<JoinRequestFacts>, string]>([
    ['a forged signature', { signatureValid: false }, 'invalid'],
    ['a link the group does not have', { group: { ...group, inviteLinks: [] } }, 'invalid'],
    ['a token naming another admin than the group’s link', { terms: { ...terms, inviter: 'ben' } }, 'invalid'],
    ['a token naming another device', { terms: { ...terms, inviterDevice: 2 } }, 'invalid'],
    ['a token whose terms differ from the group’s link', { terms: { ...terms, maxUses: 0 } }, 'invalid'],
    ['a revoked link', { group: withLink({ revoked: true }) }, 'revoked'],
    ['an expired link', { now: link.expiresAt }, 'expired'],
    ['a used-up link', { group: withLink({ uses: 2 }) }, 'used_up'],
    ['someone an admin turned down through this link', { group: withLink({ declined: ['cat'] }) }, 'declined'],
    ['a link whose admin is an admin no more', { group: { ...group, admins: ['ben'] }, me: { user: 'ben', device: 1 } }, 'revoked'],
    ['someone already in the group', { joiner: 'DAN' }, 'already_member'],
  ])('refuses %s', (_name, change, outcome) => {
    expect(decideJoin(facts(change))).toEqual({ kind: 'answer', outcome });
  });

  it('a link without a use limit never runs out', () => {
    expect(decideJoin(facts({ terms: { ...terms, maxUses: 0 }, group: withLink({ maxUses: 0, uses: 999 }) }))).toEqual({ kind: 'add' });
  });
});
