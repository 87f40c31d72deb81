// Shown in a one-to-one chat when the contact's identity key changed: what it means, and where to review it.
import { useDialogs } from '../../store/dialogs';
import { Icon } from '../../ui/Icon';

export function IdentityNotice({ username }: { username: string }) {
  const show = useDialogs((state) => state.show);
  return (
    <div className="identity-notice" role="alert">
      <Icon name="alert" size={18} />
      <p>
        <strong>{username}’s safety number changed.</strong> They may have reinstalled Parley — or someone may be
        intercepting. Compare the new number before you trust it.
      </p>
      <button type="button" className="button-secondary" onClick={() => show({ kind: 'contactInfo', username })}>
        Review
      </button>
    </div>
  );
}
