// Beside the app's name while a burst of messages is being stored (a catch-up after time away): how many have
// arrived so far, so a long catch-up on a slow machine shows progress. Screen readers hear "Receiving messages" once,
// not every count.
import { RECEIVING_SHOWN_FROM, useReceiving } from './receivingStore';

const count = new Intl.NumberFormat();

export function ReceivingStatus() {
  const stored = useReceiving((state) => state.stored);
  if (stored < RECEIVING_SHOWN_FROM) return null;
  return (
    <span className="app-receiving" role="status" data-stored={stored} title={`Receiving messages: ${count.format(stored)} so far`}>
      Receiving<span className="visually-hidden"> messages</span>… <span aria-hidden="true">{count.format(stored)}</span>
    </span>
  );
}
