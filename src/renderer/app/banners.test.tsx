// The banners above the chat: the connection banner speaks plain words with the technical cause on a details line,
// and the key-file warning is one line that can be explained and dismissed for good.
import { act, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeAccount } from '../testing/fakeParley';
import { renderApp, resetApp, restartApp } from '../testing/renderApp';

afterEach(() => resetApp());

const WARNING = 'Your private keys are protected only by a key file stored next to them.';
const withKeyFile = { account: { ...fakeAccount('alice'), keyProtection: { osKeychain: false, warning: WARNING } } };

describe('banners', () => {
  it('says why the relay is out of reach in plain words, with the code on a details line', async () => {
    const { fake } = await renderApp();
    await screen.findByRole('navigation', { name: 'Chats' });
    act(() => {
      fake.setConnection('reconnecting', { code: 'relay_unreachable', message: 'relay.unreachable', text: { id: 'relay.unreachable' }, fatal: false, detail: 'ECONNREFUSED' });
    });
    const message = await screen.findByText('Parley cannot reach the relay. Check your internet connection; Parley keeps trying.');
    const banner = message.closest<HTMLElement>('[role="status"]');
    expect(banner).not.toBeNull();
    expect(within(banner!).getByText(/^Details:/).textContent).toBe('Details: ECONNREFUSED · relay_unreachable');
  });

  it('shows the key-file warning as one line, explains it on request and stays dismissed after a restart', async () => {
    const { user } = await renderApp(withKeyFile);
    const notice = await screen.findByRole('region', { name: 'Key protection' });
    expect(notice.textContent).not.toContain(WARNING);
    await user.click(within(notice).getByRole('button', { name: 'Why?' }));
    expect(notice.textContent).toContain(WARNING);
    await user.click(within(notice).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('region', { name: 'Key protection' })).toBeNull();

    await restartApp(withKeyFile);
    await screen.findByRole('navigation', { name: 'Chats' });
    expect(screen.queryByRole('region', { name: 'Key protection' })).toBeNull();
  });
});
