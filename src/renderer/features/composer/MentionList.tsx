// The members offered for the `@` being typed, above the composer's field (see useMentionSuggestions). Options are
// chosen with the mouse too; pressing one keeps the focus in the field.
import { PersonAvatar } from '../profiles/PersonAvatar';
import type { MentionSuggestions } from './useMentionSuggestions';

export function MentionList({ suggestions }: { suggestions: MentionSuggestions }) {
  const { candidates, active, listId, optionId, choose } = suggestions;
  if (candidates.length === 0) return null;
  return (
    <ul id={listId} className="mention-list" role="listbox" aria-label="Mention a member">
      {candidates.map((member, index) => (
        <li
          key={member}
          id={optionId(index)}
          role="option"
          aria-selected={index === active}
          className={`mention-option${index === active ? ' mention-option-active' : ''}`}
          onMouseDown={(event) => {
            event.preventDefault();
            choose(member);
          }}
        >
          <PersonAvatar username={member} size={24} />
          <span dir="auto">{member}</span>
        </li>
      ))}
    </ul>
  );
}
