// "bob is typing…" under the messages, from the transient typing store (never from Dexie).
import { useTyping, typingIn } from '../../store/typing';

function sentence(users: string[]): string {
  if (users.length === 1) return `${users[0]} is typing…`;
  if (users.length === 2) return `${users[0]} and ${users[1]} are typing…`;
  return 'Several people are typing…';
}

export function TypingIndicator({ conversationId }: { conversationId: string }) {
  const typing = useTyping(typingIn(conversationId));
  const users = typing ? Object.keys(typing) : [];
  return (
    <div className="typing-indicator" aria-live="polite">
      {users.length > 0 && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {sentence(users)}
        </>
      )}
    </div>
  );
}
