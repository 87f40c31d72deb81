// "Disappearing messages" for one chat, in its info dialog: off, 30 seconds … 1 week. Either person sets it in a
// 1:1 chat, only admins in a group (the core refuses a timer from anyone else). The change is a system line on
// both sides and applies to messages sent after it.
import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState } from 'react';
import { EXPIRY_TIMER_CHOICES } from '../../../shared/conversations/messageRules';
import { setExpiryTimer } from '../../db/expiry';
import { requireSession } from '../../store/session';
import { timerLength } from '../chat/describeTimer';
import { FormError } from '../../ui/FormError';

async function chooseTimer(conversationId: string, seconds: number): Promise<void> {
  const { db, me, outbox } = requireSession();
  await setExpiryTimer(db, conversationId, me, seconds);
  outbox.poke(conversationId);
}

export function DisappearingSetting({ conversationId, canChange }: { conversationId: string; canChange: boolean }) {
  const { db } = requireSession();
  const seconds = useLiveQuery(async () => (await db.conversations.get(conversationId))?.expireTimerSeconds ?? 0, [db, conversationId]);
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();
  const current = seconds ?? 0;
  const choices: readonly number[] = EXPIRY_TIMER_CHOICES.includes(current as (typeof EXPIRY_TIMER_CHOICES)[number]) ? EXPIRY_TIMER_CHOICES : [...EXPIRY_TIMER_CHOICES, current];

  return (
    <section aria-label="Disappearing messages">
      <h3 className="section-title">Disappearing messages</h3>
      <p className="field-hint">
        {canChange
          ? 'New messages disappear for everyone this long after they are sent, or after they are read by the others.'
          : 'Only group admins can change this.'}
      </p>
      <label htmlFor={selectId} className="visually-hidden">
        Disappearing messages timer
      </label>
      <select
        id={selectId}
        className="timer-select"
        value={current}
        disabled={!canChange || seconds === undefined}
        onChange={(event) => {
          setError(null);
          chooseTimer(conversationId, Number(event.target.value)).catch(() => setError('Could not change the timer. Please try again.'));
        }}
      >
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice === 0 ? 'Off' : timerLength(choice)}
          </option>
        ))}
      </select>
      <FormError error={error} />
    </section>
  );
}
