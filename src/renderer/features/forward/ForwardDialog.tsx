// Forward a text message to another chat: type part of a name, arrows to choose, Enter (or a click) sends the text
// as a new message of this user's in that chat and opens it. Not to a blocked person or a group this user left.
import { useId, useState, type KeyboardEvent } from 'react';
import type { ChatSummary } from '../../db/conversations';
import { dmPeer } from '../../db/conversations';
import type { StoredMessage } from '../../db/rows';
import { userMessage } from '../../errors';
import { useChats } from '../../store/chats';
import { useContacts } from '../../store/contacts';
import { useDialogs } from '../../store/dialogs';
import { useGroups } from '../../store/groups';
import { Avatar } from '../../ui/Avatar';
import { Dialog } from '../../ui/Dialog';
import { filterChats } from '../chats/filterChats';
import { useChatSummaries } from '../chats/useChatSummaries';
import { sendText } from '../outbox/actions';

const MAX_RESULTS = 8;

export function ForwardDialog({ message }: { message: StoredMessage }) {
  const close = useDialogs((state) => state.close);
  const select = useChats((state) => state.select);
  const contacts = useContacts((state) => state.contacts);
  const groups = useGroups((state) => state.groups);
  const summaries = useChatSummaries() ?? [];
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const listId = useId();
  const optionId = (index: number) => `${listId}-option-${index}`;
  const writable = (chat: ChatSummary) => {
    const peer = dmPeer(chat.conversation.id);
    if (peer) return !contacts[peer]?.blocked;
    const group = groups[chat.conversation.id.slice('group:'.length)];
    return group?.active ?? false;
  };
  const results = filterChats(summaries.filter(writable), query).slice(0, MAX_RESULTS);
  const current = Math.min(active, Math.max(results.length - 1, 0));

  const forward = (conversationId: string | undefined) => {
    if (!conversationId) return;
    sendText(conversationId, message.body).then(
      () => {
        close();
        select(conversationId);
      },
      (failure: unknown) => setError(userMessage(failure, 'Parley could not forward this message. Please try again.')),
    );
  };

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((current + 1) % Math.max(results.length, 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((current - 1 + results.length) % Math.max(results.length, 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      forward(results[current]?.conversation.id);
    }
  }

  return (
    <Dialog title="Forward message" onClose={close} className="forward-dialog">
      <blockquote className="forward-preview" dir="auto">
        {message.body}
      </blockquote>
      <input
        className="palette-input"
        role="combobox"
        aria-label="Forward to"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={results.length > 0 ? optionId(current) : undefined}
        aria-autocomplete="list"
        placeholder="Forward to…"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        autoComplete="off"
        spellCheck={false}
        data-autofocus
      />
      <ul id={listId} role="listbox" className="palette-results" aria-label="Chats">
        {results.map((chat, index) => (
          <li
            key={chat.conversation.id}
            id={optionId(index)}
            role="option"
            aria-selected={index === current}
            className={`palette-option${index === current ? ' palette-option-active' : ''}`}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => forward(chat.conversation.id)}
            onMouseMove={() => setActive(index)}
          >
            <Avatar name={chat.conversation.title} size={28} group={chat.conversation.kind === 'group'} />
            <span className="palette-name">{chat.conversation.title}</span>
          </li>
        ))}
      </ul>
      {results.length === 0 && <p className="muted small">No chat matches.</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
