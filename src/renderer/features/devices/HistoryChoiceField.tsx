// "Transfer history" when linking a device: everything, the last N days, or none (docs/security.md §18.3).
import { useId, useState } from 'react';

export type HistoryChoice = { kind: 'everything' } | { kind: 'days'; days: number } | { kind: 'none' };

export const DEFAULT_HISTORY_DAYS = 30;
const MAX_DAYS = 3650;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Messages from this time on go along; null: all of them; undefined: none. */
export function historySince(choice: HistoryChoice, now: number): number | null | undefined {
  if (choice.kind === 'none') return undefined;
  return choice.kind === 'everything' ? null : now - choice.days * DAY_MS;
}

export function HistoryChoiceField({ choice, onChange, disabled }: { choice: HistoryChoice; onChange(choice: HistoryChoice): void; disabled: boolean }) {
  const name = useId();
  const daysId = useId();
  const days = choice.kind === 'days' ? choice.days : DEFAULT_HISTORY_DAYS;
  // What is typed, kept while it is not a number of days yet (an emptied field), so typing is never fought.
  const [typed, setTyped] = useState(String(days));
  const typeDays = (text: string) => {
    setTyped(text);
    const value = Math.round(Number(text));
    if (text.trim() !== '' && Number.isFinite(value) && value >= 1) onChange({ kind: 'days', days: Math.min(MAX_DAYS, value) });
  };
  return (
    <fieldset className="history-choice" disabled={disabled}>
      <legend>Transfer history</legend>
      <label className="radio">
        <input type="radio" name={name} checked={choice.kind === 'everything'} onChange={() => onChange({ kind: 'everything' })} />
        Everything
      </label>
      <div className="history-days">
        <label className="radio">
          <input type="radio" name={name} checked={choice.kind === 'days'} onChange={() => onChange({ kind: 'days', days })} />
          Last
        </label>
        <input
          id={daysId}
          type="number"
          min={1}
          max={MAX_DAYS}
          value={typed}
          aria-label="Number of days of history"
          onChange={(event) => typeDays(event.target.value)}
        />
        <span>days</span>
      </div>
      <label className="radio">
        <input type="radio" name={name} checked={choice.kind === 'none'} onChange={() => onChange({ kind: 'none' })} />
        None — only new messages
      </label>
      <p className="field-hint">Messages are encrypted for the new device only; files come along as links to what is already uploaded.</p>
    </fieldset>
  );
}
