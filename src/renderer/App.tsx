// Top-level screen switch: onboarding until an account exists, then the messenger.
import { useEffect } from 'react';
import { useAccount } from './store/account';
import { useConnection } from './store/connection';
import { Onboarding } from './features/onboarding/Onboarding';
import { ConnectionBanner } from './features/connection/ConnectionBanner';

export function App() {
  const status = useAccount((store) => store.status);
  const account = useAccount((store) => store.account);
  const load = useAccount((store) => store.load);
  const follow = useConnection((store) => store.follow);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => (status === 'ready' ? follow() : undefined), [status, follow]);

  if (status === 'loading') return <main className="splash" aria-busy="true" />;
  if (status === 'none' || !account) return <Onboarding />;
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Parley</h1>
        <span className="app-user" aria-label="Signed in as">
          {account.username}
        </span>
      </header>
      <ConnectionBanner />
      {account.keyProtection.warning && (
        <p className="notice notice-warning" role="note">
          {account.keyProtection.warning}
        </p>
      )}
      <main className="app-main">
        <p className="empty-state">No chats yet.</p>
      </main>
    </div>
  );
}
