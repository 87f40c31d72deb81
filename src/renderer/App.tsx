// Top-level screen switch: onboarding until an account exists, then the messenger.
import { useEffect } from 'react';
import { SignedInApp } from './app/SignedInApp';
import { Onboarding } from './features/onboarding/Onboarding';
import { useAccount } from './store/account';
import { applyTheme, useTheme } from './store/theme';

export function App() {
  const status = useAccount((store) => store.status);
  const account = useAccount((store) => store.account);
  const error = useAccount((store) => store.error);
  const load = useAccount((store) => store.load);
  const theme = useTheme((store) => store.theme);

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    void load();
  }, [load]);

  if (status === 'loading') return <main className="splash" aria-busy="true" aria-label="Starting Parley" />;
  if (status === 'error') {
    return (
      <main className="onboarding">
        <div className="card onboarding-card" role="alert">
          <h1>Parley could not start</h1>
          <p>{error}</p>
          <button type="button" className="button-primary button-wide" onClick={() => void load()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (status === 'none' || !account) return <Onboarding />;
  return <SignedInApp account={account} />;
}
