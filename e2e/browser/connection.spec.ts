// Onboarding and the connection state, through the browser shell: a real relay, the real core, the real renderer.
import { expect, test } from '@playwright/test';
import { World, useWorld } from '../support/world';

let world: World;
useWorld((created) => (world = created));

test('onboarding creates an account and shows the connection state through a relay restart', async () => {
  const relay = await world.relay();
  // Automatic retries a minute apart: the only way back online within this test is "Retry now".
  const alice = await world.user('alice', relay.url, { PARLEY_BACKOFF_BASE_MS: '60000', PARLEY_BACKOFF_CAP_MS: '60000' });
  const { page } = alice;

  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  await expect(page.getByLabel('Relay')).toHaveValue(relay.url);
  await world.screenshot(page, '1-onboarding');

  await page.getByLabel('Username').fill('a');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toContainText('3–32');

  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Relay').fill('ws://relay.example.org/v1/ws');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toContainText('wss://');

  await page.getByLabel('Relay').fill(relay.url);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeHidden();
  await expect(page.locator('body')).toContainText('alice');
  await world.screenshot(page, '2-online');

  await relay.stop();
  const banner = page.getByRole('status').filter({ hasText: /Reconnecting|Connecting/ });
  await expect(banner).toBeVisible();
  await world.screenshot(page, '3-relay-down');

  // "Retry now" while the relay is still down: an attempt that fails and leaves the banner up.
  await expect(banner).toContainText(/Reconnecting in \d+s/);
  await page.getByRole('button', { name: 'Retry now' }).click();
  await expect(banner).toContainText(/Reconnecting in \d+s/);

  await relay.restart();
  await page.getByRole('button', { name: 'Retry now' }).click();
  await expect(banner).toBeHidden();
  await world.screenshot(page, '4-back-online');

  // The network drops and comes back while the next automatic retry is still a minute away: the page's `online`
  // event reaches the core through the host, which retries at once (no click).
  await relay.stop();
  await expect(banner).toContainText(/Reconnecting in \d+s/);
  await relay.restart();
  await page.context().setOffline(true);
  await page.context().setOffline(false);
  await expect(banner).toBeHidden();
  await expect(page.locator('body')).toContainText('alice');
  await world.screenshot(page, '5-network-back');
});

test('a taken username is refused with a clear error', async () => {
  const relay = await world.relay();
  const first = await world.user('first', relay.url);
  await first.page.getByLabel('Username').fill('carol');
  await first.page.getByRole('button', { name: 'Create account' }).click();
  await expect(first.page.getByRole('heading', { name: 'Welcome to Parley' })).toBeHidden();

  const second = await world.user('second', relay.url);
  await second.page.getByLabel('Username').fill('Carol');
  await second.page.getByRole('button', { name: 'Create account' }).click();
  await expect(second.page.getByRole('alert')).toContainText(/taken/i);
  await world.screenshot(second.page, 'username-taken');
});
