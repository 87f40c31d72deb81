import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useUpdates } from '../../store/updates';
import { renderApp, resetApp } from '../../testing/renderApp';
import { updateBanner, updateStatusText } from './updateWording';

afterEach(async () => {
  useUpdates.setState({ view: null, postponed: null });
  await resetApp();
});

describe('updateBanner', () => {
  it('shows progress, the restart prompt until put off, and failures of a download or its verification', () => {
    expect(updateBanner({ state: 'downloading', version: '0.2.0', transferred: 5, total: 10, percent: 50 }, null)).toMatchObject({ progress: 50 });
    expect(updateBanner({ state: 'ready', version: '0.2.0' }, null)).toMatchObject({ action: 'restart' });
    expect(updateBanner({ state: 'ready', version: '0.2.0' }, '0.2.0')).toBeNull();
    expect(updateBanner({ state: 'ready', version: '0.3.0' }, '0.2.0')).toMatchObject({ action: 'restart' });
    expect(updateBanner({ state: 'error', code: 'bad_signature' }, null)).toMatchObject({ tone: 'error', action: 'retry' });
  });

  it('says why updates are off and what failed in the string table’s words, from main’s codes', () => {
    expect(updateStatusText({ state: 'disabled', reason: 'no_release_key' })).toBe('This build of Parley has no release key to check updates with, so updates are off.');
    expect(updateStatusText({ state: 'disabled', reason: 'browser_shell' })).toMatch(/^The browser shell does not update itself/);
    expect(updateStatusText({ state: 'error', code: 'check_failed' })).toBe('Parley could not reach its update server. It will try again later.');
    expect(updateBanner({ state: 'error', code: 'unsigned' }, null)?.text).toBe('Update failed: The update is not signed by Parley. It was deleted and will not be installed.');
    // A code this build does not know yet: still a sentence.
    expect(updateStatusText({ state: 'error', code: 'from_a_newer_core' })).toBe('The update failed. Parley will try again later.');
  });

  it('stays quiet when nothing needs the user, including a routine check that could not reach the server', () => {
    for (const status of [
      { state: 'idle' as const },
      { state: 'checking' as const },
      { state: 'up-to-date' as const, checkedAt: 1 },
      { state: 'disabled' as const, reason: 'no_feed' as const },
      { state: 'error' as const, code: 'check_failed' },
    ]) {
      expect(updateBanner(status, null)).toBeNull();
    }
  });
});

describe('the update prompt', () => {
  it('follows main from download to "Restart to update", and restarts when asked', async () => {
    const { fake, user } = await renderApp();
    act(() => fake.setUpdateStatus({ state: 'downloading', version: '0.2.0', transferred: 40, total: 100, percent: 40 }));
    const progress = await screen.findByRole('progressbar', { name: 'Update download progress' });
    expect(progress.getAttribute('value')).toBe('40');
    expect(screen.getByText('Downloading Parley 0.2.0… 40%')).toBeTruthy();
    act(() => fake.setUpdateStatus({ state: 'ready', version: '0.2.0' }));
    await user.click(await screen.findByRole('button', { name: 'Restart to update' }));
    await waitFor(() => expect(fake.restarts).toBe(1));
  });

  it('"Later" puts the prompt off for that version', async () => {
    const { fake, user } = await renderApp({ updateStatus: { state: 'ready', version: '0.2.0' } });
    await user.click(await screen.findByRole('button', { name: 'Later' }));
    expect(screen.queryByRole('button', { name: 'Restart to update' })).toBeNull();
    act(() => fake.setUpdateStatus({ state: 'ready', version: '0.2.1' }));
    expect(await screen.findByRole('button', { name: 'Restart to update' })).toBeTruthy();
  });

  it('says why an update was refused, and tries again when asked', async () => {
    const { fake, user } = await renderApp();
    act(() => fake.setUpdateStatus({ state: 'error', code: 'bad_signature' }));
    expect(await screen.findByText(/Update failed: The update’s signature does not match/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(fake.calls.filter((call) => call.channel === 'updates.check')).toHaveLength(1));
  });
});

describe('Settings', () => {
  async function openSettings() {
    const app = await renderApp({ updateStatus: { state: 'up-to-date', checkedAt: Date.now() } });
    await app.user.click(within(screen.getByRole('complementary')).getByRole('button', { name: 'Settings' }));
    return { ...app, dialog: await screen.findByRole('dialog', { name: 'Settings' }) };
  }

  it('shows the version and update status, switches to the beta channel, and checks on request', async () => {
    const { fake, user, dialog } = await openSettings();
    expect(await within(dialog).findByText(/Parley 0\.0\.0-fake\. Parley is up to date/)).toBeTruthy();
    await user.click(within(dialog).getByRole('radio', { name: 'Beta' }));
    await waitFor(() => expect(fake.settings.updateChannel).toBe('beta'));
    expect((within(dialog).getByRole('radio', { name: 'Beta' }) as HTMLInputElement).checked).toBe(true);
    await user.click(within(dialog).getByRole('button', { name: 'Check for updates' }));
    await waitFor(() => expect(fake.calls.some((call) => call.channel === 'updates.check')).toBe(true));
  });

  it('changes what notifications show', async () => {
    const { fake, user, dialog } = await openSettings();
    await user.click(await within(dialog).findByRole('radio', { name: 'Name only' }));
    await waitFor(() => expect(fake.settings.notificationPreview).toBe('name-only'));
  });

  it('offers tray settings only in the desktop app', async () => {
    const { dialog } = await openSettings();
    await within(dialog).findByRole('radio', { name: 'Name only' });
    expect(within(dialog).queryByRole('checkbox', { name: /tray/ })).toBeNull();
  });
});
