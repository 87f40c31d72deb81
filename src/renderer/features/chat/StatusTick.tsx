// The delivery state of an own message as an icon with a text alternative (also its tooltip). Read differs from
// delivered by shape (a filled disc, see chat.css), not only by colour.
import type { MessageStatus } from '../../db/rows';
import { Icon, type IconName } from '../../ui/Icon';

const STATUS: Record<MessageStatus, { icon: IconName; label: string }> = {
  queued: { icon: 'clock', label: 'Waiting to send' },
  sending: { icon: 'clock', label: 'Being sent from your other device' },
  sent: { icon: 'check', label: 'Sent' },
  delivered: { icon: 'checks', label: 'Delivered' },
  read: { icon: 'checks', label: 'Read' },
  failed: { icon: 'alert', label: 'Not sent' },
};

export function StatusTick({ status }: { status: MessageStatus }) {
  const { icon, label } = STATUS[status];
  return (
    <span className={`status status-${status}`} title={label} data-status={status}>
      <Icon name={icon} size={14} label={label} />
    </span>
  );
}
