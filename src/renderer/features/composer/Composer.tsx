// Writing a message: Enter sends, Shift+Enter starts a new line, the draft is kept per chat, and an empty
// message is refused with a hint. Sending only hands the text to the outbox (Dexie); the outbox worker does the rest.
// It also replies (the quoted message shows above the field) and edits an own message (its text in the field; the
// draft waits meanwhile); Escape cancels either, and Up-arrow in an empty field edits the last own message. In a
// group, `@` suggests members to mention.
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { userMessage } from '../../errors';
import { lastEditableMessage } from '../../db/actions';
import { validateBody } from '../../db/outgoing';
import { screenWork } from '../../db/screenWork';
import { useConnection } from '../../store/connection';
import { useDrafts } from '../../store/drafts';
import { useMessageActions, type ComposerMode } from '../../store/messageActions';
import { requireSession } from '../../store/session';
import { Icon } from '../../ui/Icon';
import { AttachButton } from '../media/AttachButton';
import { AttachmentTray } from '../media/AttachmentTray';
import { usePendingFiles } from '../media/pendingFiles';
import { hasPendingFiles, sendPendingFiles, trayProblem } from '../media/sendFiles';
import { VoiceRecorder } from '../media/VoiceRecorder';
import { ComposerEmojiButton } from '../emoji/ComposerEmojiButton';
import { saveEdit } from '../chat/messageActions';
import { useGroupMembers } from '../chat/useMentionable';
import { sendText } from '../../sync/outbox/actions';
import { MentionList } from './MentionList';
import { TypingNotifier } from './typingNotifier';
import { useFittingPlaceholder } from './useFittingPlaceholder';
import { useMentionSuggestions } from './useMentionSuggestions';

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
  const placeholder = useFittingPlaceholder(field, `Message ${title}`, 'Message');
  const inputId = useId();
  const hintId = useId();
  const typing = useMemo(
    () => new TypingNotifier(conversationId, () => useConnection.getState().snapshot?.state === 'online'),
    [conversationId],
  );
  useEffect(() => () => typing.stop(), [typing]);
  const setText = useCallback(
    (text: string) => {
      setDraft(conversationId, text);
      typing.input(text);
    },
    [conversationId, setDraft, typing],
  );
  const suggestions = useMentionSuggestions(field, useGroupMembers(conversationId), requireSession().me, setText);

  const mode = useMessageActions((state) => state.modes[conversationId]);
  const cancelMode = useMessageActions((state) => state.cancel);
  // While editing, the field holds the message's text; the draft it replaced comes back afterwards.
  const parkedDraft = useRef<string | null>(null);
  const editing = mode?.kind === 'edit' ? mode.message : undefined;
  useEffect(() => {
    if (!editing) return;
    parkedDraft.current ??= useDrafts.getState().drafts[conversationId] ?? '';
    setDraft(conversationId, editing.body);
    field.current?.focus();
  }, [editing, conversationId, setDraft]);
  useEffect(() => {
    if (mode?.kind === 'reply') field.current?.focus();
  }, [mode]);

  function leaveMode() {
    if (mode?.kind === 'edit') {
      setDraft(conversationId, parkedDraft.current ?? '');
      parkedDraft.current = null;
    }
    cancelMode(conversationId);
  }

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
    if (mode?.kind === 'edit') {
      const message = mode.message;
      leaveMode();
      setHint(null);
      typing.stop();
      field.current?.focus();
      saveEdit(message, text).catch((error: unknown) => setHint(userMessage(error, 'Parley could not save this edit. Please try again.')));
      return;
    }
    const replyTo = mode?.kind === 'reply' ? mode.message : undefined;
    if (replyTo) cancelMode(conversationId);
    clearDraft(conversationId);
    setHint(null);
    typing.stop();
    onSent?.();
    field.current?.focus();
    (withFiles ? sendPendingFiles(conversationId, text) : sendText(conversationId, text, replyTo)).catch((error: unknown) => {
      // Not stored, so not sent: the text goes back in front of whatever was typed since, never lost.
      const typedSince = useDrafts.getState().drafts[conversationId] ?? '';
      setDraft(conversationId, typedSince ? `${text}\n${typedSince}` : text);
      setHint(userMessage(error, 'Parley could not save this message. Please try again.'));
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (suggestions.onKeyDown(event)) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === 'Escape' && mode) {
      event.preventDefault();
      leaveMode();
    } else if (event.key === 'ArrowUp' && !mode && event.currentTarget.value === '' && !event.shiftKey) {
      event.preventDefault();
      const { db, me } = requireSession();
      screenWork(
        'composer.edit_last_failed',
        lastEditableMessage(db, conversationId, me).then((message) => {
          // Typed into (or replying) before the message was found: the typing wins, and the text stays as it is.
          const untouched = !useDrafts.getState().drafts[conversationId] && !useMessageActions.getState().modes[conversationId];
          if (message && untouched) useMessageActions.getState().edit(message);
        }),
      );
    }
  }

  return (
    <form className="composer" onSubmit={submit}>
      {mode && <ModeBar mode={mode} onCancel={leaveMode} />}
      <label htmlFor={inputId} className="visually-hidden">
        {mode?.kind === 'edit' ? 'Edit message' : `Message ${title}`}
      </label>
      <MentionList suggestions={suggestions} />
      <AttachmentTray conversationId={conversationId} />
      <div className="composer-row">
        {!recording && <AttachButton conversationId={conversationId} />}
        {!recording && <ComposerEmojiButton field={field} onText={setText} />}
        {!recording && (
          <textarea
            ref={field}
            id={inputId}
            className="composer-input"
            dir="auto"
            rows={1}
            value={draft}
            placeholder={placeholder}
            // Off: Chromium would otherwise save what is typed into its session files, outside the sealed history.
            autoComplete="off"
            onChange={(event) => {
              setText(event.target.value);
              if (hint) setHint(null);
              suggestions.follow();
            }}
            onSelect={suggestions.follow}
            onBlur={suggestions.close}
            onKeyDown={onKeyDown}
            aria-autocomplete={suggestions.candidates.length > 0 ? 'list' : undefined}
            aria-controls={suggestions.candidates.length > 0 ? suggestions.listId : undefined}
            aria-activedescendant={suggestions.candidates.length > 0 ? suggestions.optionId(suggestions.active) : undefined}
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
          <button type="submit" className="send-button" aria-label={mode?.kind === 'edit' ? 'Save edit' : 'Send message'}>
            <Icon name={mode?.kind === 'edit' ? 'check' : 'send'} size={20} />
          </button>
        )}
      </div>
      <p id={hintId} className={`composer-hint${hint ? ' composer-hint-visible' : ''}`} role="status">
        {hint ??
          (mode ? (
            `Enter to ${mode.kind === 'edit' ? 'save' : 'send'} · Escape to cancel`
          ) : (
            <>
              Enter to send · Shift+Enter for a new line<span className="composer-hint-wide"> · ↑ to edit your last message</span>
            </>
          ))}
      </p>
    </form>
  );
}

/**
 * Above the field while replying or editing: what, to whom, and a way out. The message shows as it is stored now: an
 * edit or a delete for everyone that arrives meanwhile shows here too.
 */
function ModeBar({ mode, onCancel }: { mode: ComposerMode; onCancel(): void }) {
  const { db, me } = requireSession();
  const { seq, messageId, sender } = mode.message;
  const current = useLiveQuery(() => db.messages.get(seq), [db, seq], mode.message);
  const gone = !current || current.deleted || current.messageId !== messageId;
  const author = sender === me ? 'yourself' : sender;
  return (
    <div className="composer-mode" data-testid="composer-mode">
      <div className="composer-mode-text">
        <span className="composer-mode-title">{mode.kind === 'edit' ? 'Editing message' : `Replying to ${author}`}</span>
        <span className={`composer-mode-snippet${gone ? ' composer-mode-gone' : ''}`} dir="auto">
          {gone ? 'This message was deleted.' : current.body}
        </span>
      </div>
      <button type="button" className="icon-button" onClick={onCancel} aria-label={mode.kind === 'edit' ? 'Cancel editing' : 'Cancel reply'}>
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}
