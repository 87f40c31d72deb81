// The reactions under a message: one chip per emoji with its count, the names of who reacted on hover (and for
// screen readers), pressed when this user is among them; clicking one's own takes it back, another adds it.
import type { StoredMessage } from '../../db/rows';
import { EmojiSafeText } from '../emoji/EmojiSafeText';

export interface ReactionGroup {
  emoji: string;
  users: string[];
  mine: boolean;
}

/** Reactions grouped by emoji, in the order each emoji first appeared; names in reaction order, "You" first. */
export function groupReactions(reactions: NonNullable<StoredMessage['reactions']>, me: string): ReactionGroup[] {
  const groups = new Map<string, ReactionGroup>();
  const byTime = Object.entries(reactions).sort(([, a], [, b]) => a.at - b.at);
  for (const [user, { emoji }] of byTime) {
    const group = groups.get(emoji) ?? { emoji, users: [], mine: false };
    if (user === me) {
      group.mine = true;
      group.users.unshift('You');
    } else {
      group.users.push(user);
    }
    groups.set(emoji, group);
  }
  return [...groups.values()];
}

export function Reactions({ message, me, onToggle }: { message: StoredMessage; me: string; onToggle(emoji: string): void }) {
  if (!message.reactions || Object.keys(message.reactions).length === 0) return null;
  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {groupReactions(message.reactions, me).map((group) => {
        const who = group.users.join(', ');
        return (
          <button
            key={group.emoji}
            type="button"
            className={`reaction-chip${group.mine ? ' reaction-chip-mine' : ''}`}
            aria-pressed={group.mine}
            aria-label={`${group.emoji} ${group.users.length}: ${who}`}
            title={who}
            onClick={() => onToggle(group.emoji)}
          >
            <span aria-hidden="true">
              <EmojiSafeText text={group.emoji} />
            </span>
            <span className="reaction-count" aria-hidden="true">
              {group.users.length}
            </span>
          </button>
        );
      })}
    </div>
  );
}
