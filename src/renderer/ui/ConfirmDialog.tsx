// A question before something that cannot be undone: the action's name on a danger button, Cancel beside it with
// the focus (so Enter right after a slip does nothing harmful), Esc or Cancel to back out. Rendered into the body
// so it works from inside the transformed rows of the message list; the rest of the window is inert meanwhile.
import { createPortal } from 'react-dom';
import { Dialog } from './Dialog';

interface ConfirmDialogProps {
  title: string;
  description: string;
  confirmLabel: string;
  onConfirm(): void;
  onClose(): void;
}

export function ConfirmDialog({ title, description, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  return createPortal(
    <Dialog title={title} description={description} onClose={onClose} className="dialog-confirm">
      <div className="dialog-actions">
        <button type="button" className="button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button-danger-solid"
          onClick={() => {
            onClose();
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>,
    document.body,
  );
}
