// The chat picker keeps a fast typist's Enter: pressed before the chats have loaded, it chooses the first match once
// they have; with the chats there, Enter chooses at once, and a query matching nothing chooses nothing. A 1:1 chat is
// found by the name its person shared too, and shown by it with the username beside it.
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatSummary } from '../../db/conversations';
import { useProfiles } from '../../store/profiles';
import { ChatPicker } from './ChatPicker';

const chat = (id: string, title: string): ChatSummary => ({
  conversation: { id, kind: 'dm', title, createdAt: 0, lastActivityAt: 0, lastReadSeq: 0 },
  lastMessage: null,
  unread: 0,
  mentioned: false,
});
const chats = [chat('dm:bob', 'bob'), chat('dm:carol', 'carol')];

const group: ChatSummary = { ...chat('group:g1', 'Climbing'), conversation: { ...chat('group:g1', 'Climbing').conversation, kind: 'group' } };

afterEach(() => useProfiles.setState({ own: null, others: {} }));

describe('the chat picker', () => {
  it('chooses the first match once the chats load when Enter came first', async () => {
    const user = userEvent.setup();
    const onChoose = vi.fn();
    const { rerender } = render(<ChatPicker label="Forward to" chats={undefined} onChoose={onChoose} emptyText={() => 'No chat matches.'} />);
    expect(screen.getByText('Loading chats…')).toBeTruthy();
    await user.type(screen.getByRole('combobox', { name: 'Forward to' }), 'car{Enter}');
    expect(onChoose).not.toHaveBeenCalled();
    rerender(<ChatPicker label="Forward to" chats={chats} onChoose={onChoose} emptyText={() => 'No chat matches.'} />);
    expect(onChoose).toHaveBeenCalledExactlyOnceWith('dm:carol');
    rerender(<ChatPicker label="Forward to" chats={[...chats]} onChoose={onChoose} emptyText={() => 'No chat matches.'} />);
    expect(onChoose).toHaveBeenCalledOnce();
  });

  it('chooses at once when the chats are there, and nothing when no chat matches', async () => {
    const user = userEvent.setup();
    const onChoose = vi.fn();
    const { rerender } = render(<ChatPicker label="Jump" chats={[]} onChoose={onChoose} emptyText={() => 'No chats yet.'} />);
    await user.type(screen.getByRole('combobox', { name: 'Jump' }), 'zed{Enter}');
    expect(screen.getByText('No chats yet.')).toBeTruthy();
    rerender(<ChatPicker label="Jump" chats={chats} onChoose={onChoose} emptyText={() => 'No chats yet.'} />);
    expect(onChoose).not.toHaveBeenCalled();
    await user.clear(screen.getByRole('combobox', { name: 'Jump' }));
    await user.type(screen.getByRole('combobox', { name: 'Jump' }), 'bo{Enter}');
    expect(onChoose).toHaveBeenCalledExactlyOnceWith('dm:bob');
  });

  it('finds a 1:1 chat by the name its person shared, case- and accent-insensitive, and shows that name', async () => {
    const user = userEvent.setup();
    const onChoose = vi.fn();
    act(() => useProfiles.setState({ others: { carol: { username: 'carol', name: 'Carla Jiménez', avatar: null, updatedAt: 0 } } }));
    render(<ChatPicker label="Forward to" chats={[...chats, group]} onChoose={onChoose} emptyText={() => 'No chat matches.'} />);
    const input = screen.getByRole('combobox', { name: 'Forward to' });
    await user.type(input, 'JIMENEZ');
    const options = screen.getAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual(['CJCarla Jiménez @carol']);
    await user.keyboard('{Enter}');
    expect(onChoose).toHaveBeenCalledExactlyOnceWith('dm:carol');
    // Her username still finds her; a group is found by its title only.
    await user.clear(input);
    await user.type(input, 'carol');
    expect(screen.getAllByRole('option')).toHaveLength(1);
    await user.clear(input);
    await user.type(input, 'climb');
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual(['CLClimbing']);
  });
});
