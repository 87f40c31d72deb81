// "Notifications" for one chat, in its info dialog: on, or muted for an hour, eight hours or always. A muted chat
// makes no notification and is left out of the unread badge; its messages still arrive.
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { isMuted, muteFor, type Mute, type MuteChoice } from '../../../shared/notifications/notificationPolicy';
import { conversationMute, setConversationMute } from '../../db/mutes';
import { requireSession } from '../../store/session';
import { useRefocusOnChange } from '../../ui/useRefocusOnChange';
import { FormError } from '../../ui/FormError';

const MUTE_CHOICES: { value: Exclude<MuteChoice, 'off'>; label: string }[] = [
  { value: '1h', label: 'Mute for 1 hour' },
  { value: '8h', label: 'Mute for 8 hours' },
  { value: 'always', label: 'Mute always' },
];

export function muteStatus(mute: Mute, now: number): string {
  if (!isMuted(mute, now)) return 'Notifications are on.';
  if (mute === 'always') return 'Muted. This chat makes no notifications.';
  const until = new Date(mute as number);
  const sameDay = until.toDateString() === new Date(now).toDateString();
  const time = until.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  return `Muted until ${sameDay ? time : `${until.toLocaleDateString([], { weekday: 'short' })} ${time}`}.`;
}

export function MuteSetting({ conversationId }: { conversationId: string }) {
  const { db } = requireSession();
  const mute = useLiveQuery(() => conversationMute(db, conversationId), [db, conversationId]);
  const [error, setError] = useState<string | null>(null);
  const muted = isMuted(mute, Date.now());
  const { container, refocus } = useRefocusOnChange<HTMLDivElement>(muted);

  const choose = (choice: MuteChoice) => {
    setError(null);
    refocus();
    setConversationMute(db, conversationId, muteFor(choice, Date.now())).catch(() => setError('Could not change notifications for this chat. Please try again.'));
  };

  return (
    <section aria-label="Notifications for this chat">
      <h3 className="section-title">Notifications</h3>
      <p className="field-hint" role="status">
        {muteStatus(mute, Date.now())}
      </p>
      <div className="mute-actions" ref={container}>
        {muted ? (
          <button type="button" className="button-secondary" onClick={() => choose('off')}>
            Unmute
          </button>
        ) : (
          MUTE_CHOICES.map((choice) => (
            <button key={choice.value} type="button" className="button-secondary" onClick={() => choose(choice.value)}>
              {choice.label}
            </button>
          ))
        )}
      </div>
      <FormError error={error} />
    </section>
  );
}
