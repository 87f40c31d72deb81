// Block or unblock a person, from their contact info. Blocking asks first, in place (this sits inside a dialog):
// their messages will be dropped unread and nothing goes to them one to one; they are not told.
import { useState } from 'react';
import { userMessage } from '../../errors';
import { useContacts } from '../../store/contacts';
import { useRefocusOnChange } from '../../ui/useRefocusOnChange';
import { FormError } from '../../ui/FormError';

export function BlockSetting({ username }: { username: string }) {
  const blocked = useContacts((state) => state.contacts[username]?.blocked ?? false);
  const setBlocked = useContacts((state) => state.setBlocked);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The question stays until the answer is taken, so the focus goes from Block straight to Unblock.
  const { container, refocus } = useRefocusOnChange<HTMLDivElement>(`${blocked}:${confirming}`);

  const change = (block: boolean) => {
    setError(null);
    refocus();
    setBlocked(username, block).then(
      () => setConfirming(false),
      (failure: unknown) => {
        setConfirming(false);
        setError(userMessage(failure, 'That did not work. Please try again.'));
      },
    );
  };
  const cancel = () => {
    refocus();
    setConfirming(false);
  };

  return (
    <div className="block-setting" ref={container}>
      <h3 className="section-title">Blocking</h3>
      {blocked ? (
        <p className="confirm">
          <span className="muted small">You blocked {username}: their messages are dropped unread.</span>
          <button type="button" className="button-secondary" onClick={() => change(false)}>
            Unblock {username}
          </button>
        </p>
      ) : confirming ? (
        <p className="confirm" role="group" aria-label={`Block ${username}?`}>
          <span className="small">Block {username}? Their messages will be dropped unread and they get nothing from you. They are not told.</span>
          <button type="button" className="button-danger-solid" onClick={() => change(true)} autoFocus>
            Block
          </button>
          <button type="button" className="button-secondary" onClick={cancel}>
            Cancel
          </button>
        </p>
      ) : (
        <button type="button" className="button-link button-danger" onClick={() => setConfirming(true)}>
          Block {username}…
        </button>
      )}
      <FormError error={error} />
    </div>
  );
}
