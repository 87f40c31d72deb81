// Every upload and download in progress in one list (paused ones too), each with the chat it belongs to, its
// progress, pause/resume and cancel, and "Show in chat" (the message it came or goes with), from the sidebar or
// Settings. main says which transfers are unfinished (some began before this window); media.changed keeps the list
// current, and a finished transfer leaves it.
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AttachmentMessage } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { useChats } from '../../store/chats';
import { useDialogs } from '../../store/dialogs';
import { useMessageActions } from '../../store/messageActions';
import { useSession } from '../../store/session';
import { Dialog } from '../../ui/Dialog';
import { Icon } from '../../ui/Icon';
import { movingIds, useMedia } from './mediaStore';
import { TransferStatus } from './TransferStatus';
import { FormError } from '../../ui/FormError';

export function TransfersDialog() {
  const close = useDialogs((state) => state.close);
  const ids = useMedia(useShallow(movingIds));
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    useMedia
      .getState()
      .loadTransfers()
      .catch((failure: unknown) => setError(userMessage(failure, 'Parley could not list the transfers.')));
  }, []);

  return (
    <Dialog title="Transfers" onClose={close} className="transfers-dialog">
      {ids.length === 0 ? (
        <p className="field-hint" role="status">
          Nothing is uploading or downloading.
        </p>
      ) : (
        <ul className="transfers" aria-label="Uploads and downloads">
          {ids.map((id) => (
            <TransferRow key={id} id={id} />
          ))}
        </ul>
      )}
      <FormError error={error} />
      <div className="dialog-actions">
        <button type="button" className="button-primary" onClick={close}>
          Done
        </button>
      </div>
    </Dialog>
  );
}

/** The chat's name as the chat list shows it (undefined while it loads or if the chat is gone). */
function useChatTitle(conversationId: string | undefined): string | undefined {
  const db = useSession((state) => state.session?.db);
  return useLiveQuery(async () => (db && conversationId ? (await db.conversations.get(conversationId))?.title : undefined), [db, conversationId]);
}

/** "To bob", "From bob", "From carol in Summit"; a file still in the tray has no chat yet. */
function placeText(outgoing: boolean, message: AttachmentMessage | undefined, title: string | undefined): string {
  if (!message) return 'Not sent yet';
  const chat = title ?? message.conversationId.replace(/^dm:/, '');
  if (outgoing) return `To ${chat}`;
  return message.conversationId.startsWith('group:') ? `From ${message.sender} in ${chat}` : `From ${chat}`;
}

function showInChat(message: AttachmentMessage): void {
  useDialogs.getState().close();
  useChats.getState().select(message.conversationId);
  useMessageActions.getState().jumpTo(message.conversationId, message.messageId, message.sender);
}

function TransferRow({ id }: { id: string }) {
  const view = useMedia((state) => state.views[id]);
  const title = useChatTitle(view?.message?.conversationId);
  if (!view) return null;
  const outgoing = view.direction === 'outgoing';
  const message = view.message;
  return (
    <li className="transfer-row" aria-label={`${outgoing ? 'Sending' : 'Receiving'} ${view.fileName}`} data-testid="transfer-row">
      <span className="transfer-direction" aria-hidden>
        <Icon name={outgoing ? 'up' : 'down'} size={16} />
      </span>
      <span className="transfer-file">
        <span className="transfer-head">
          <span className="transfer-what">
            <span className="transfer-name" dir="auto" title={view.fileName}>
              {view.fileName}
            </span>
            <span className="transfer-place" dir="auto">
              {placeText(outgoing, message, title)}
            </span>
          </span>
          {message && (
            <button type="button" className="button-secondary transfer-show" onClick={() => showInChat(message)} aria-label={`Show ${view.fileName} in chat`}>
              Show in chat
            </button>
          )}
        </span>
        <TransferStatus view={view} />
      </span>
    </li>
  );
}
