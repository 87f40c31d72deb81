// The chat picker keeps a fast typist's Enter: pressed before the chats have loaded, it chooses the first match once
// they have; with the chats there, Enter chooses at once, and a query matching nothing chooses nothing.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ChatSummary } from '../../db/conversations';
import { ChatPicker } from './ChatPicker';

const chat = (id: string, title: string): ChatSummary => ({
  conversation: { id, kind: 'dm', title, createdAt: 0, lastActivityAt: 0, lastReadSeq: 0 },
  lastMessage: null,
  unread: 0,
  mentioned: false,
});
const chats = [chat('dm:bob', 'bob'), chat('dm:carol', 'carol')];

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
});
