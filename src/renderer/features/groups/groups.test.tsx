import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupView } from '../../../shared/ipc';
import { groupConversationId } from '../../db/conversations';
import { useChats } from '../../store/chats';
import { fakeContact, fakeGroupId } from '../../testing/fakeParley';
import { useFakeLayout } from '../../testing/layout';
import { renderApp, resetApp, sessionDb } from '../../testing/renderApp';
import { describeUpdate } from './describeUpdate';
import { parseMembers } from './actions';

useFakeLayout();
afterEach(() => resetApp());

const sidebarButton = (name: string) => within(screen.getByRole('complementary')).getByRole('button', { name });

/** Under load (2 shared cores) a change's round trip through the fake main can take longer than findBy's 1 s. */
const SLOW = { timeout: 10_000 };
const trip: GroupView = { groupId: fakeGroupId(1), name: 'Trip', members: ['alice', 'bob', 'carol'], admins: ['alice'], createdBy: 'alice', active: true, approveNewMembers: false };

async function systemRows(conversationId: string) {
  return (await sessionDb().messages.where('conversationId').equals(conversationId).toArray()).filter((row) => row.direction === 'system').map((row) => row.update?.kind);
}

describe('groups', () => {
  it('creates a group from contacts and typed names, records it and opens it', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob'), fakeContact('carol')] });
    await user.click(sidebarButton('New group'));
    await user.type(screen.getByRole('textbox', { name: 'Group name' }), 'Weekend');
    await user.click(screen.getByRole('checkbox', { name: 'bob' }));
    await user.type(screen.getByRole('textbox', { name: 'Other usernames' }), 'dave, @Erin');
    await user.click(screen.getByRole('button', { name: 'Create group' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const group = [...fake.groups.values()][0];
    expect(group?.members).toEqual(['alice', 'bob', 'dave', 'erin']);
    const id = groupConversationId(group!.groupId);
    expect(useChats.getState().selected).toBe(id);
    expect(await systemRows(id)).toEqual(['created']);
    expect(await screen.findByText('You created the group “Weekend” with bob, dave and erin')).toBeTruthy();
  });

  it.each([
    ['', 'bob', /Group name is empty/],
    ['Trip', '', /Add at least one member/],
    ['Trip', 'nobody', /nobody does not exist on this relay/],
    ['Trip', 'b!', /“b!” is not a valid username/],
  ])('explains what is wrong (name %j, members %j)', async (name, members, message) => {
    const { user } = await renderApp();
    await user.click(sidebarButton('New group'));
    if (name) await user.type(screen.getByRole('textbox', { name: 'Group name' }), name);
    if (members) await user.type(screen.getByRole('textbox', { name: 'Members' }), members);
    await user.click(screen.getByRole('button', { name: 'Create group' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(message);
  });

  it('renames, adds, removes and leaves from group info, each leaving a line in the history', async () => {
    const { user, fake } = await renderApp({ groups: [trip], contacts: [fakeContact('bob')] });
    const id = groupConversationId(trip.groupId);
    await waitFor(async () => expect(await sessionDb().conversations.get(id)).toBeTruthy());
    act(() => useChats.getState().select(id));
    await user.click(await screen.findByRole('button', { name: 'Group info' }));
    const dialog = await screen.findByRole('dialog', { name: 'Group info: Trip' });

    const name = within(dialog).getByRole('textbox', { name: 'Group name' });
    await user.clear(name);
    await user.type(name, 'Road trip');
    await user.click(within(dialog).getByRole('button', { name: 'Rename' }));
    await screen.findByText('Group renamed.', {}, SLOW);
    expect(fake.groups.get(trip.groupId)?.name).toBe('Road trip');

    await user.type(within(screen.getByRole('dialog')).getByRole('textbox', { name: 'Add members' }), 'dave');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Add' }));
    await screen.findByText('Members added.', {}, SLOW);

    // Removing asks first; "Keep" leaves the member in, "Remove" removes.
    const info = () => within(screen.getByRole('dialog'));
    await user.click(info().getByRole('button', { name: 'Remove carol' }));
    expect(info().getByText('Remove carol?')).toBeTruthy();
    await user.click(info().getByRole('button', { name: 'Keep' }));
    expect(fake.groups.get(trip.groupId)?.members).toContain('carol');
    expect(fake.calls.some((call) => call.channel === 'groups.removeMember')).toBe(false);
    await user.click(info().getByRole('button', { name: 'Remove carol' }));
    await user.click(info().getByRole('button', { name: /^Remove$/ }));
    await screen.findByText('carol was removed.', {}, SLOW);
    expect(fake.groups.get(trip.groupId)?.members).toEqual(['alice', 'bob', 'dave']);

    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Leave group' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Leave' }));
    await screen.findByText('You left the group.', {}, SLOW);
    expect(await systemRows(id)).toEqual(['renamed', 'members_added', 'member_removed', 'member_left']);
    await user.keyboard('{Escape}');
    expect(await screen.findByText(/You are no longer a member of this group/)).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: /^Message/ })).toBeNull();
    expect((await sessionDb().conversations.get(id))?.title).toBe('Road trip');
  });

  it('a member removed by an admin sees it in the history and the header, and has no composer', async () => {
    const { fake } = await renderApp({ groups: [trip] });
    const id = groupConversationId(trip.groupId);
    act(() => useChats.getState().select(id));
    const removed = { ...trip, members: ['bob', 'carol'], admins: ['bob'], active: false };
    const update = { kind: 'member_removed' as const, by: 'bob', member: 'alice' };
    act(() => {
      fake.groups.set(trip.groupId, removed);
      fake.deliver({ conversationId: id, messageId: 'r1', sender: { user: 'bob', device: 1 }, sentAt: 1_700_000_000_000, content: { kind: 'group_update', update } });
      fake.emit('groups.changed', { group: removed, update });
    });
    expect(await within(await screen.findByRole('log')).findByText('bob removed you')).toBeTruthy();
    expect(await screen.findByText('You are no longer a member')).toBeTruthy();
    // Removed is not "left": the header must not say the user did it.
    expect(screen.queryByText('You left this group')).toBeNull();
    expect(screen.queryByRole('textbox', { name: /^Message/ })).toBeNull();
  });

  it('a member whose admission through a link was undone is told why, once, and has no composer', async () => {
    const { fake } = await renderApp({ groups: [trip] });
    const id = groupConversationId(trip.groupId);
    act(() => useChats.getState().select(id));
    const left = { ...trip, active: false };
    act(() => {
      fake.groups.set(trip.groupId, left);
      fake.emit('groups.changed', { group: left });
      fake.emit('groups.joinAnswered', { groupId: trip.groupId, inviter: 'bob', outcome: 'used_up', admissionUndone: true });
      // A refusal of a request (no admission undone) leaves no line.
      fake.emit('groups.joinAnswered', { groupId: trip.groupId, inviter: 'carol', outcome: 'used_up' });
    });
    const log = await screen.findByRole('log');
    expect(await within(log).findByText(/^bob let you in, but someone else took the invite link’s last place/)).toBeTruthy();
    expect(await screen.findByText('You are no longer a member')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: /^Message/ })).toBeNull();
    expect(await sessionDb().messages.where('conversationId').equals(id).count()).toBe(1);
  });

  it('an admin makes another member an admin from group info (admins are not offered it)', async () => {
    const { user, fake } = await renderApp({ groups: [{ ...trip, admins: ['alice', 'carol'] }] });
    act(() => useChats.getState().select(groupConversationId(trip.groupId)));
    await user.click(await screen.findByRole('button', { name: 'Group info' }));
    const dialog = await screen.findByRole('dialog', { name: 'Group info: Trip' });
    expect(within(dialog).queryByRole('button', { name: 'Make carol an admin' })).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Make bob an admin' }));
    expect(await within(dialog).findByText('bob is now an admin.', {}, { timeout: 10_000 })).toBeTruthy();
    expect(fake.calls.find((c) => c.channel === 'groups.makeAdmin')?.request).toEqual({ groupId: trip.groupId, member: 'bob' });
    expect(within(dialog).queryByRole('button', { name: 'Make bob an admin' })).toBeNull();
  });

  it('shows main’s refusal (not an admin)', async () => {
    const { user, fake } = await renderApp({ groups: [{ ...trip, admins: ['bob'] }] });
    const id = groupConversationId(trip.groupId);
    act(() => useChats.getState().select(id));
    await user.click(await screen.findByRole('button', { name: 'Group info' }));
    fake.failNext('groups.rename', { code: 'not_group_admin', message: 'Only admins can rename this group.' });
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByRole('textbox', { name: 'Group name' }), '!');
    await user.click(within(dialog).getByRole('button', { name: 'Rename' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Only admins can rename this group.');
    expect(within(dialog).queryByRole('button', { name: /^Remove/ })).toBeNull();
  });

  it('shows sender names on others’ messages in a group', async () => {
    const { fake } = await renderApp({ groups: [trip] });
    const id = groupConversationId(trip.groupId);
    act(() => {
      fake.deliver({ conversationId: id, messageId: 'g1', sender: { user: 'bob', device: 1 }, sentAt: 1_700_000_000_000, content: { kind: 'text', body: 'hi all' } });
      fake.deliver({ conversationId: id, messageId: 'g2', sender: { user: 'carol', device: 1 }, sentAt: 1_700_000_000_100, content: { kind: 'text', body: 'hey' } });
    });
    await waitFor(() => expect(fake.pending.size).toBe(0));
    act(() => useChats.getState().select(id));
    const log = await screen.findByRole('log');
    const bob = (await within(log).findByText('hi all')).closest('.message') as HTMLElement;
    expect(bob.querySelector('.message-sender')?.textContent).toBe('bob');
    const carol = within(log).getByText('hey').closest('.message') as HTMLElement;
    expect(carol.querySelector('.message-sender')?.textContent).toBe('carol');
    // Once carol shares a profile, her name shows, with her username beside it (a name is only her claim).
    act(() => void fake.shareProfile({ username: 'carol', name: 'Carol Danvers', avatar: null }));
    await waitFor(() => expect(carol.querySelector('.message-sender')?.textContent).toBe('Carol Danvers @carol'));
    expect(bob.querySelector('.message-sender')?.textContent).toBe('bob');
  });
});

describe('group helpers', () => {
  it('parses member lists', () => {
    expect(parseMembers(' bob, @Carol\ndave;bob alice ', 'alice')).toEqual(['bob', 'carol', 'dave']);
    expect(() => parseMembers('bob, x', 'alice')).toThrow(/“x” is not a valid username/);
  });

  it('describes changes with “You” for this user', () => {
    expect(describeUpdate({ kind: 'members_added', by: 'bob', members: ['alice', 'carol'] }, 'alice')).toBe('bob added you and carol');
    expect(describeUpdate({ kind: 'member_removed', by: 'alice', member: 'bob' }, 'alice')).toBe('You removed bob');
    expect(describeUpdate({ kind: 'member_left', by: 'carol' }, 'alice')).toBe('carol left the group');
    expect(describeUpdate({ kind: 'renamed', by: 'bob', name: 'X' }, 'alice')).toBe('bob renamed the group to “X”');
    const inviteId = 'Z'.repeat(22);
    expect(describeUpdate({ kind: 'members_added', by: 'bob', members: ['carol'], inviteId }, 'alice')).toBe('bob let carol in with an invite link');
    expect(describeUpdate({ kind: 'admin_added', by: 'bob', member: 'alice' }, 'alice')).toBe('bob made you an admin');
    expect(describeUpdate({ kind: 'invite_created', by: 'alice', link: { inviteId, device: 1, createdAt: 1, expiresAt: 2000, maxUses: 0, approval: false } }, 'alice')).toBe('You made an invite link');
    expect(describeUpdate({ kind: 'invite_revoked', by: 'bob', inviteId }, 'alice')).toBe('bob revoked an invite link');
    expect(describeUpdate({ kind: 'join_declined', by: 'bob', inviteId, member: 'dave' }, 'alice')).toBe('bob turned down dave’s request to join');
    expect(describeUpdate({ kind: 'approval_changed', by: 'alice', approveNewMembers: true }, 'alice')).toBe('You made admins approve new members');
    expect(describeUpdate({ kind: 'approval_changed', by: 'bob', approveNewMembers: false }, 'alice')).toBe('bob let new members join without approval');
  });
});
