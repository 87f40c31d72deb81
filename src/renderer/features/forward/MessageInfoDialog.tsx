// When a message was sent and, for an own message, how far it got with each recipient (delivered, read, with the
// time of the receipt), from the receipts kept per member (db/rows.ts ReceiptRow). Received messages show when
// they were sent and when they arrived here.
import { useLiveQuery } from 'dexie-react-hooks';
import Dexie from 'dexie';
import { dmPeer, groupIdOf } from '../../db/conversations';
import type { StoredMessage } from '../../db/rows';
import { useDialogs } from '../../store/dialogs';
import { useGroups } from '../../store/groups';
import { requireSession } from '../../store/session';
import { Dialog } from '../../ui/Dialog';
import { formatFullDate } from '../../ui/time';

export function MessageInfoDialog({ message }: { message: StoredMessage }) {
  const close = useDialogs((state) => state.close);
  const { db, me } = requireSession();
  const groupId = groupIdOf(message.conversationId);
  const members = useGroups((state) => (groupId ? state.groups[groupId]?.members : undefined));
  const receipts = useLiveQuery(
    () => db.receipts.where('[conversationId+messageId+user]').between([message.conversationId, message.messageId, Dexie.minKey], [message.conversationId, message.messageId, Dexie.maxKey]).toArray(),
    [db, message.conversationId, message.messageId],
  );
  const own = message.direction === 'out';
  const recipients = (groupId ? (members ?? []) : [dmPeer(message.conversationId) ?? '']).filter((user) => user && user !== me);
  const receiptOf = (user: string) => receipts?.find((receipt) => receipt.user === user);

  return (
    <Dialog title="Message info" onClose={close}>
      <dl className="facts">
        <dt>{own ? 'Sent' : `Sent by ${message.sender}`}</dt>
        <dd>{formatFullDate(message.timestamp)}</dd>
        {!own && message.receivedAt !== undefined && (
          <>
            <dt>Received</dt>
            <dd>{formatFullDate(message.receivedAt)}</dd>
          </>
        )}
      </dl>
      {own && (
        <>
          <h3 className="section-title">{groupId ? 'Members' : 'Recipient'}</h3>
          <table className="message-info-table">
            <thead>
              <tr>
                <th scope="col">Who</th>
                <th scope="col">Delivered or read</th>
              </tr>
            </thead>
            <tbody>
              {recipients.map((user) => {
                const receipt = receiptOf(user);
                return (
                  <tr key={user}>
                    <th scope="row">{user}</th>
                    <td>{receipt ? `${receipt.kind === 'read' ? 'Read' : 'Delivered'} ${formatFullDate(receipt.at)}` : message.status === 'queued' || message.status === 'sending' || message.status === 'failed' ? 'Not sent yet' : 'Sent, not delivered yet'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      <div className="dialog-actions">
        <button type="button" className="button-primary" onClick={close}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
