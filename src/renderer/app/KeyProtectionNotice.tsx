// The warning that private keys are protected only by a key file (no OS keychain): one short line with the full
// explanation behind "Why?", dismissable. Dismissing is remembered for the account on this computer; the state
// stays visible in Settings → Account.
import { useState } from 'react';

const dismissedKey = (username: string) => `parley.keyNotice.dismissed.${username}`;

export function KeyProtectionNotice({ username, warning }: { username: string; warning: string }) {
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(dismissedKey(username)) === 'yes');
  const [open, setOpen] = useState(false);
  if (dismissed) return null;
  return (
    <section className="key-notice" aria-label="Key protection">
      <span>Your keys are not protected by a system keychain on this computer.</span>
      <button type="button" className="button-link" aria-expanded={open} onClick={() => setOpen(!open)}>
        Why?
      </button>
      <button
        type="button"
        className="button-link key-notice-dismiss"
        onClick={() => {
          localStorage.setItem(dismissedKey(username), 'yes');
          setDismissed(true);
        }}
      >
        Dismiss
      </button>
      {open && <p className="key-notice-full">{warning} Settings → Account shows this again.</p>}
    </section>
  );
}
