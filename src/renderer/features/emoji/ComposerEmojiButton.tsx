// The composer's emoji button: opens the picker above it; the emoji picked goes in at the caret (replacing a
// selection), and the caret and focus return to the field right after it.
import { useRef, useState, type RefObject } from 'react';
import { Icon } from '../../ui/Icon';
import { EmojiPicker } from './EmojiPicker';

export interface ComposerEmojiButtonProps {
  field: RefObject<HTMLTextAreaElement | null>;
  /** Sets the field's text (the composer keeps it as the chat's draft). */
  onText(text: string): void;
}

export function ComposerEmojiButton({ field, onText }: ComposerEmojiButtonProps) {
  const button = useRef<HTMLButtonElement>(null);
  const [anchor, setAnchor] = useState<DOMRect | null>(null);

  function insert(emoji: string) {
    setAnchor(null);
    const element = field.current;
    if (!element) return;
    const { value, selectionStart, selectionEnd } = element;
    const caret = selectionStart + emoji.length;
    onText(value.slice(0, selectionStart) + emoji + value.slice(selectionEnd));
    // After React has put the new text in the field.
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(caret, caret);
    });
  }

  return (
    <>
      <button
        ref={button}
        type="button"
        className="composer-tool"
        aria-label="Insert emoji"
        title="Insert emoji"
        aria-haspopup="dialog"
        aria-expanded={anchor !== null}
        onClick={() => setAnchor(anchor ? null : (button.current?.getBoundingClientRect() ?? null))}
      >
        <Icon name="smile" size={20} />
      </button>
      {anchor && (
        <EmojiPicker
          label="Insert emoji"
          anchor={anchor}
          opener={button.current}
          onPick={insert}
          onClose={() => {
            setAnchor(null);
            field.current?.focus();
          }}
        />
      )}
    </>
  );
}
