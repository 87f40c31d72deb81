// `@` in a group's composer suggests members: typing after it narrows the list (names starting with what was typed),
// ArrowUp/ArrowDown move, Enter or Tab puts `@name ` in the text, Escape closes the list (the reply or edit stays).
// The field stays focused throughout; the list is announced through aria-activedescendant.
import { useCallback, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { mentionAtCaret } from '../../../shared/conversations/mentions';

const MAX_SUGGESTIONS = 6;

interface Typed {
  start: number;
  query: string;
  caret: number;
}

export interface MentionSuggestions {
  /** Members to offer now (empty: the list is closed). */
  candidates: string[];
  active: number;
  listId: string;
  optionId(index: number): string;
  choose(username: string): void;
  /** Call on every change of text or caret. */
  follow(): void;
  /** Closes the list (the field lost focus). */
  close(): void;
  /** Handles the key if the list is open; returns whether it did. */
  onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean;
}

export function useMentionSuggestions(field: RefObject<HTMLTextAreaElement | null>, members: readonly string[], me: string, setText: (text: string) => void): MentionSuggestions {
  const [typed, setTyped] = useState<Typed | null>(null);
  const [active, setActive] = useState(0);
  // Escape closes the list for the mention it was open for; typing another `@` opens it again.
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const caretAfter = useRef<number | null>(null);
  const listId = useId();

  const candidates = useMemo(() => {
    if (!typed || typed.start === dismissedAt) return [];
    const query = typed.query.toLowerCase();
    const self = me.toLowerCase();
    return members
      .filter((member) => member.toLowerCase() !== self && member.toLowerCase().startsWith(query))
      .sort((a, b) => a.localeCompare(b))
      .slice(0, MAX_SUGGESTIONS);
  }, [typed, dismissedAt, members, me]);

  const follow = useCallback(() => {
    const element = field.current;
    if (!element || element.selectionStart !== element.selectionEnd) {
      setTyped(null);
      return;
    }
    const found = mentionAtCaret(element.value, element.selectionStart);
    setTyped((previous) => {
      const next = found ? { ...found, caret: element.selectionStart } : null;
      if (previous?.start !== next?.start || previous?.query !== next?.query) setActive(0);
      return next;
    });
    if (!found) setDismissedAt(null);
  }, [field]);

  const choose = useCallback(
    (username: string) => {
      const element = field.current;
      if (!element || !typed) return;
      const text = element.value;
      const inserted = `@${username} `;
      setText(text.slice(0, typed.start) + inserted + text.slice(typed.caret).replace(/^ /, ''));
      caretAfter.current = typed.start + inserted.length;
      setTyped(null);
    },
    [field, typed, setText],
  );

  // After a choice the caret goes right after the inserted name (once React has put the new text in).
  useLayoutEffect(() => {
    const element = field.current;
    if (caretAfter.current === null || !element) return;
    element.setSelectionRange(caretAfter.current, caretAfter.current);
    caretAfter.current = null;
  });

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (candidates.length === 0 || event.nativeEvent.isComposing) return false;
    const move = (to: number) => setActive((to + candidates.length) % candidates.length);
    if (event.key === 'ArrowDown') move(active + 1);
    else if (event.key === 'ArrowUp') move(active - 1);
    else if ((event.key === 'Enter' && !event.shiftKey) || (event.key === 'Tab' && !event.shiftKey)) choose(candidates[active] ?? candidates[0]!);
    else if (event.key === 'Escape') setDismissedAt(typed?.start ?? null);
    else return false;
    event.preventDefault();
    return true;
  }

  const close = useCallback(() => setTyped(null), []);
  return { candidates, active: Math.min(active, Math.max(candidates.length - 1, 0)), listId, optionId: (index) => `${listId}-${index}`, choose, follow, close, onKeyDown };
}
