import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupView, InvitePreview } from '../../../../shared/ipc';
import { groupConversationId } from '../../../db/conversations';
import { useChats } from '../../../store/chats';
import { fakeGroupId } from '../../../testing/fakeParley';
import { useFakeLayout } from '../../../testing/layout';
import { renderApp, resetApp, sessionDb } from '../../../testing/renderApp';
import { expiryText, inviteSummary, outcomeText, pendingJoinText } from './inviteText';
import { qrPath } from './QrCode';

useFakeLayout();
afterEach(() => resetApp());

const trip: GroupView = { groupId: fakeGroupId(1), name: 'Trip', members: ['alice', 'bob'], admins: ['alice'], createdBy: 'alice', active: true, approveNewMembers: false };
const TOKEN = 'T'.repeat(60);
const preview: InvitePreview = { groupId: fakeGroupId(2), groupName: 'Book club', inviter: 'carol', expiresAt: Date.now() + 3 * 3_600_000, approval: false, alreadyMember: false };

async function openGroupInfo(group: GroupView) {
  const app = await renderApp({ groups: [group] });
  const id = groupConversationId(group.groupId);
  await waitFor(async () => expect(await sessionDb().conversations.get(id)).toBeTruthy());
  act(() => useChats.getState().select(id));
  await app.user.click(await screen.findByRole('button', { name: 'Group info' }));
  return { ...app, dialog: await screen.findByRole('dialog', { name: `Group info: ${group.name}` }) };
}

describe('invite links in group info', () => {
  it('an admin makes a link with its terms, sees it as a QR code and text, and revokes it', async () => {
    const { user, fake, dialog } = await openGroupInfo(trip);
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Valid for' }), '1 day');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Lets in' }), '5 people');
    await user.click(within(dialog).getByRole('button', { name: 'Create invite link' }));
    const card = await within(dialog).findByRole('article', { name: 'Invite link' });
    expect(fake.calls.find((c) => c.channel === 'groups.createInvite')?.request).toEqual({ groupId: trip.groupId, expiresInHours: 24, maxUses: 5 });
    const [invite] = fake.invites.values();
    expect((within(card).getByRole('textbox', { name: 'Invite link' }) as HTMLInputElement).value).toBe(invite!.link);
    expect(within(card).getByRole('img', { name: 'QR code of an invite link to Trip' }).querySelector('path')?.getAttribute('d')).toBe(qrPath(invite!.link!).path);
    expect(within(card).getByText(/0 of 5 joined/)).toBeTruthy();
    await user.click(within(card).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(within(dialog).queryByRole('article', { name: 'Invite link' })).toBeNull());
    expect(fake.invites.get(invite!.inviteId)?.revoked).toBe(true);
  });

  it('shows who waits on an approval link and lets them in', async () => {
    const { user, fake, dialog } = await openGroupInfo(trip);
    await user.click(within(dialog).getByRole('button', { name: 'Create invite link' }));
    await within(dialog).findByRole('article', { name: 'Invite link' });
    const [invite] = fake.invites.values();
    fake.invites.set(invite!.inviteId, { ...invite!, requests: ['dave'] });
    act(() => fake.emit('groups.invitesChanged', { groupId: trip.groupId }));
    const waiting = await within(dialog).findByRole('list', { name: 'Waiting to join' });
    await user.click(within(waiting).getByRole('button', { name: 'Let in' }));
    await waitFor(() => expect(within(dialog).queryByRole('list', { name: 'Waiting to join' })).toBeNull());
    expect(fake.calls.find((c) => c.channel === 'groups.answerJoinRequest')?.request).toEqual({ groupId: trip.groupId, inviteId: invite!.inviteId, user: 'dave', approve: true });
  });

  it('a link another admin made: no QR code or link text, but its terms, its waiting people and Revoke', async () => {
    const { user, fake, dialog } = await openGroupInfo({ ...trip, admins: ['alice', 'bob'] });
    const inviteId = 'B'.repeat(22);
    fake.invites.set(inviteId, { inviteId, groupId: trip.groupId, admin: 'bob', expiresAt: Date.now() + 3_600_000, maxUses: 0, uses: 1, revoked: false, requests: ['dave'] });
    // Another admin's change reaches this device as a group change: the card follows it.
    act(() => fake.emit('groups.changed', { group: trip, update: { kind: 'invite_created', by: 'bob', link: { inviteId, device: 1, createdAt: Date.now(), expiresAt: Date.now() + 3_600_000, maxUses: 0, approval: true } } }));
    const card = await within(dialog).findByRole('article', { name: 'Invite link' });
    expect(within(card).getByText('Made on bob’s device, the only one that can show this link.')).toBeTruthy();
    expect(within(card).queryByRole('img')).toBeNull();
    expect(within(card).queryByRole('button', { name: 'Copy link' })).toBeNull();
    expect(within(card).getByText(/1 joined/)).toBeTruthy();
    await user.click(within(within(card).getByRole('list', { name: 'Waiting to join' })).getByRole('button', { name: 'Decline' }));
    expect(fake.calls.find((c) => c.channel === 'groups.answerJoinRequest')?.request).toEqual({ groupId: trip.groupId, inviteId, user: 'dave', approve: false });
  });

  it('the group’s “approve new members” setting: every link follows it; the box shows main’s answer', async () => {
    const { user, fake, dialog } = await openGroupInfo(trip);
    const box = within(dialog).getByRole('checkbox', { name: 'An admin approves each new member (every link)' }) as HTMLInputElement;
    expect(box.checked).toBe(false);
    await user.click(box);
    expect(await within(dialog).findByText('An admin now approves each new member.', {}, { timeout: 10_000 })).toBeTruthy();
    expect(fake.calls.find((c) => c.channel === 'groups.setApproval')?.request).toEqual({ groupId: trip.groupId, approveNewMembers: true });
    expect(box.checked).toBe(true);
    // Another admin turns it off: the box follows the group.
    act(() => fake.emit('groups.changed', { group: trip, update: { kind: 'approval_changed', by: 'bob', approveNewMembers: false } }));
    await waitFor(() => expect(box.checked).toBe(false));
  });

  it('is not offered to members who are not admins', async () => {
    const { dialog } = await openGroupInfo({ ...trip, admins: ['bob'] });
    expect(within(dialog).queryByRole('button', { name: 'Create invite link' })).toBeNull();
  });
});

describe('the join dialog', () => {
  it('a join link shows what it claims, sends nothing until asked, then opens the group once it arrives', async () => {
    const { user, fake } = await renderApp();
    fake.invitePreviews.set(TOKEN, preview);
    act(() => fake.receiveDeepLink({ status: 'accepted', id: 1, link: { kind: 'join', token: TOKEN } }));
    const dialog = await screen.findByRole('dialog', { name: 'Join “Book club”?' });
    expect(within(dialog).getByText(/invited you to the group/).textContent).toBe('carol invited you to the group Book club.');
    expect(fake.calls.some((c) => c.channel === 'groups.join')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Ask to join' }));
    expect(await within(dialog).findByText('Asked the group’s admins to let you in…')).toBeTruthy();
    expect(fake.calls.find((c) => c.channel === 'groups.join')?.request).toEqual({ token: TOKEN });
    const group: GroupView = { groupId: preview.groupId, name: 'Book club', members: ['alice', 'carol'], admins: ['carol'], createdBy: 'carol', active: true, approveNewMembers: false };
    act(() => fake.emit('groups.changed', { group, update: { kind: 'members_added', by: 'carol', members: ['alice'] } }));
    await user.click(await within(dialog).findByRole('button', { name: 'Open the group' }));
    await waitFor(() => expect(useChats.getState().selected).toBe(groupConversationId(preview.groupId)));
  });

  it('says why an admin’s device refused', async () => {
    const { user, fake } = await renderApp();
    fake.invitePreviews.set(TOKEN, preview);
    act(() => fake.receiveDeepLink({ status: 'accepted', id: 1, link: { kind: 'join', token: TOKEN } }));
    const dialog = await screen.findByRole('dialog', { name: 'Join “Book club”?' });
    await user.click(within(dialog).getByRole('button', { name: 'Ask to join' }));
    await within(dialog).findByText(/Asked the group’s admins/);
    act(() => fake.emit('groups.joinAnswered', { groupId: preview.groupId, inviter: 'carol', outcome: 'revoked' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(outcomeText('revoked').text);
    expect(within(dialog).queryByRole('button', { name: 'Ask to join' })).toBeNull();
  });

  it('a request main still holds (asked before a restart) shows under the chats and in the dialog, until the group arrives', async () => {
    const { user, fake } = await renderApp();
    const asked = { groupId: preview.groupId, groupName: 'Book club', inviter: 'carol', expiresAt: preview.expiresAt, askedAt: Date.now() - 60_000, approval: true, waiting: true };
    fake.pendingJoins = [asked];
    act(() => fake.emit('groups.pendingJoinsChanged', {}));
    const requests = await screen.findByRole('region', { name: 'Join requests' });
    expect(within(requests).getByRole('status').textContent).toBe('Waiting for an admin to let you into “Book club” (asked carol).');

    fake.invitePreviews.set(TOKEN, { ...preview, approval: true });
    act(() => fake.receiveDeepLink({ status: 'accepted', id: 1, link: { kind: 'join', token: TOKEN } }));
    const dialog = await screen.findByRole('dialog', { name: 'Join “Book club”?' });
    expect(await within(dialog).findByText(pendingJoinText(asked))).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: 'Ask to join' }) as HTMLButtonElement).disabled).toBe(true);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    fake.pendingJoins = [];
    const group: GroupView = { groupId: preview.groupId, name: 'Book club', members: ['alice', 'carol'], admins: ['carol'], createdBy: 'carol', active: true, approveNewMembers: false };
    act(() => fake.emit('groups.changed', { group, update: { kind: 'members_added', by: 'carol', members: ['alice'] } }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Join requests' })).toBeNull());
  });

  it('a link main cannot read is explained, and nothing can be sent', async () => {
    const { fake } = await renderApp();
    act(() => fake.receiveDeepLink({ status: 'accepted', id: 1, link: { kind: 'join', token: TOKEN } }));
    const dialog = await screen.findByRole('dialog', { name: 'Join a group' });
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/not valid/);
    expect(within(dialog).queryByRole('button', { name: 'Ask to join' })).toBeNull();
  });
});

describe('invite wording', () => {
  it('expiry, summary and every outcome', () => {
    const now = 1_800_000_000_000;
    expect(expiryText(now - 1, now)).toBe('Expired');
    expect(expiryText(now + 5 * 60_000, now)).toBe('Expires in 5 minutes');
    expect(expiryText(now + 3_600_000, now)).toBe('Expires in 1 hour');
    const invite = { inviteId: 'i', groupId: 'g', admin: 'alice', link: 'l', expiresAt: now + 2 * 3_600_000, maxUses: 0, uses: 3, revoked: false, requests: [] };
    expect(inviteSummary(invite, now)).toBe('Expires in 2 hours · 3 joined');
    for (const outcome of ['pending_approval', 'declined', 'expired', 'revoked', 'used_up', 'invalid', 'already_member'] as const) {
      expect(outcomeText(outcome).text.length).toBeGreaterThan(10);
    }
    expect(outcomeText('pending_approval').final).toBe(false);
    expect(pendingJoinText({ groupName: 'Book club', inviter: 'carol', waiting: false })).toBe('Asked the admins of “Book club” to let you in (link from carol)…');
  });
});
