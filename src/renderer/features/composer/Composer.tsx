// Writing a message: Enter sends, Shift+Enter starts a new line, the draft is kept per chat, and an empty
// message is refused with a hint. Sending only hands the text to the outbox (Dexie); the outbox worker does the rest.
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { userMessage } from '../../errors';
import { validateBody } from '../../db/outgoing';
import { useConnection } from '../../store/connection';
import { useDrafts } from '../../store/drafts';
import { Icon } from '../../ui/Icon';
import { AttachButton } from '../media/AttachButton';
import { AttachmentTray } from '../media/AttachmentTray';
import { usePendingFiles } from '../media/pendingFiles';
import { hasPendingFiles, sendPendingFiles, trayProblem } from '../media/sendFiles';
import { VoiceRecorder } from '../media/VoiceRecorder';
import { sendText } from '../outbox/actions';
import { TypingNotifier } from './typingNotifier';

/** Why this text cannot be sent, or null. */
function bodyProblem(text: string): string | null {
  try {
    validateBody(text);
    return null;
  } catch (error) {
    return userMessage(error, 'This message cannot be sent.');
  }
}

export interface ComposerProps {
  conversationId: string;
  title: string;
  /** Called after a message was queued (the list jumps to it). */
  onSent?(): void;
}

const MAX_HEIGHT_PX = 180;

export function Composer({ conversationId, title, onSent }: ComposerProps) {
  const draft = useDrafts((state) => state.drafts[conversationId] ?? '');
  const setDraft = useDrafts((state) => state.setDraft);
  const clearDraft = useDrafts((state) => state.clearDraft);
  const [hint, setHint] = useState<string | null>(null);
  const [recording, setRecording] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const inputId = useId();
  const hintId = useId();
  const typing = useMemo(
    () => new TypingNotifier(conversationId, () => useConnection.getState().snapshot?.state === 'online'),
    [conversationId],
  );
  useEffect(() => () => typing.stop(), [typing]);

  // Grow with the text up to a limit, then scroll.
  useLayoutEffect(() => {
    const element = field.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [draft]);

  // Every Enter sends exactly the text on screen at that moment. The hand-off is synchronous: the text leaves the
  // composer at once (so whatever is typed next starts a new message) and the outbox stores it in order; the
  // composer never waits on IndexedDB or the network before taking more input.
  // With files in the tray, the text is their caption and they go as one message.
  function submit(event?: FormEvent) {
    event?.preventDefault();
    const text = useDrafts.getState().drafts[conversationId] ?? '';
    const withFiles = hasPendingFiles(conversationId);
    const problem = withFiles ? trayProblem(conversationId) : bodyProblem(text);
    if (problem) {
      setHint(problem);
      field.current?.focus();
      return;
    }
    clearDraft(conversationId);
    setHint(null);
    typing.stop();
    onSent?.();
    field.current?.focus();
    (withFiles ? sendPendingFiles(conversationId, text) : sendText(conversationId, text)).catch((error: unknown) => {
      // Not stored, so not sent: the text goes back in front of whatever was typed since, never lost.
      const typedSince = useDrafts.getState().drafts[conversationId] ?? '';
      setDraft(conversationId, typedSince ? `${text}\n${typedSince}` : text);
      setHint(userMessage(error, 'Parley could not save this message. Please try again.'));
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={inputId} className="visually-hidden">
        Message {title}
      </label>
      <AttachmentTray conversationId={conversationId} />
      <div className="composer-row">
        {!recording && <AttachButton conversationId={conversationId} />}
        {!recording && (
          <textarea
            ref={field}
            id={inputId}
            className="composer-input"
            rows={1}
            value={draft}
            placeholder={`Message ${title}`}
            // Off: Chromium would otherwise save what is typed into its session files, outside the sealed history.
            autoComplete="off"
            onChange={(event) => {
              setDraft(conversationId, event.target.value);
              if (hint) setHint(null);
              typing.input(event.target.value);
            }}
            onKeyDown={onKeyDown}
            onPaste={(event) => {
              const files = [...event.clipboardData.files];
              if (files.length === 0) return;
              event.preventDefault();
              void usePendingFiles.getState().add(conversationId, files);
            }}
            aria-describedby={hint ? hintId : undefined}
            aria-invalid={hint ? true : undefined}
            autoFocus
            data-testid="composer-input"
          />
        )}
        <VoiceRecorder
          conversationId={conversationId}
          onRecordingChange={setRecording}
          onError={setHint}
          onSent={() => {
            setHint(null);
            onSent?.();
          }}
        />
        {!recording && (
          <button type="submit" className="send-button" aria-label="Send message">
            <Icon name="send" size={20} />
          </button>
        )}
      </div>
      <p id={hintId} className={`composer-hint${hint ? ' composer-hint-visible' : ''}`} role="status">
        {hint ?? 'Enter to send · Shift+Enter for a new line'}
      </p>
    </form>
  );
}
