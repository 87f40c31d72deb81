// A contact's safety number (12 groups of 5 digits, to compare in person or on a call), marking them verified,
// accepting a changed identity key, mute, the disappearing-message timer and blocking.
import { useEffect, useState } from 'react';
import type { SafetyNumberView } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { invoke } from '../../ipc';
import { useContacts } from '../../store/contacts';
import { useDialogs } from '../../store/dialogs';
import { useProfile } from '../../store/profiles';
import { Dialog } from '../../ui/Dialog';
import { Icon } from '../../ui/Icon';
import { safetyNumberGroups } from './safetyNumber';
import { dmConversationId } from '../../db/conversations';
import { DisappearingSetting } from '../disappearing/DisappearingSetting';
import { MuteSetting } from '../notifications/MuteSetting';
import { BlockSetting } from '../blocking/BlockSetting';
import { PersonAvatar } from '../profiles/PersonAvatar';
import { FormError } from '../../ui/FormError';

export function ContactInfoDialog({ username }: { username: string }) {
  const close = useDialogs((state) => state.close);
  const contact = useContacts((state) => state.contacts[username]);
  const profile = useProfile(username);
  const setVerified = useContacts((state) => state.setVerified);
  const acceptIdentity = useContacts((state) => state.acceptIdentity);
  const [safety, setSafety] = useState<SafetyNumberView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const identityKey = contact?.identityKey;

  useEffect(() => {
    let current = true;
    invoke('contacts.safetyNumber', { username }).then(
      (view) => current && setSafety(view),
      (failure: unknown) => current && setError(userMessage(failure, 'Could not compute the safety number.')),
    );
    return () => {
      current = false;
    };
  }, [username, identityKey]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(userMessage(failure, 'That did not work. Please try again.'));
    } finally {
      setBusy(false);
    }
  }

  const verified = contact?.verified ?? false;
  const displayName = profile?.name ?? username;
  return (
    <Dialog title={`Contact info: ${username}`} onClose={close}>
      <div className="contact-summary">
        <PersonAvatar username={username} size={48} />
        <div>
          <p className="contact-name" dir="auto">
            {displayName}
          </p>
          {displayName !== username && <p className="muted">@{username}</p>}
          <p className={verified ? 'verified' : 'muted'}>
            {verified ? (
              <>
                <Icon name="shield" size={14} /> Verified
              </>
            ) : (
              'Not verified'
            )}
          </p>
        </div>
      </div>

      {contact?.identityChanged && (
        <div className="identity-notice identity-notice-inline" role="alert">
          <Icon name="alert" size={18} />
          <div>
            <p>
              <strong>{username}’s safety number changed.</strong> This happens when they reinstall Parley or change
              devices, but it could also mean someone is intercepting. Compare the number below with {username} before
              accepting it.
            </p>
            <button type="button" className="button-primary button-inline" disabled={busy} onClick={() => void run(() => acceptIdentity(username))}>
              Accept the new safety number
            </button>
          </div>
        </div>
      )}

      <h3 className="section-title">Safety number</h3>
      <p className="muted small">Compare with what {username} sees. If the digits match, you are talking to the right person.</p>
      {safety ? (
        <div className="safety-number" aria-label={`Safety number: ${safetyNumberGroups(safety.safetyNumber).join(' ')}`} role="group">
          {safetyNumberGroups(safety.safetyNumber).map((group, index) => (
            <span key={index} aria-hidden="true">
              {group}
            </span>
          ))}
        </div>
      ) : (
        !error && <p className="muted">Computing…</p>
      )}
      <FormError error={error} />
      <MuteSetting conversationId={dmConversationId(username)} />
      <DisappearingSetting conversationId={dmConversationId(username)} canChange />
      <BlockSetting username={username} />
      <div className="dialog-actions">
        <button type="button" className="button-secondary" disabled={busy || !contact} onClick={() => void run(() => setVerified(username, !verified))}>
          {verified ? 'Clear verification' : 'Mark as verified'}
        </button>
        <button type="button" className="button-primary" onClick={close}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
