import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContact } from '../../testing/fakeParley';
import { textFrom } from '../../testing/messages';
import { renderApp, resetApp, sessionDb } from '../../testing/renderApp';

afterEach(() => resetApp());

const patient = { timeout: 20_000 };

function receivingStatus(): HTMLElement | null {
  return document.querySelector<HTMLElement>('.app-receiving');
}

describe('receiving a burst of messages', () => {
  it('shows how many have been stored in the sidebar’s header while they come, and goes when receiving is quiet', async () => {
    const { fake } = await renderApp({ contacts: [fakeContact('bob')] });
    await screen.findByRole('list', { name: 'Conversations' }, patient);
    // A catch-up: 120 at once, then more while the first are stored.
    act(() => void fake.deliverAll(Array.from({ length: 120 }, (_, i) => textFrom('bob', `m${i}`, `catch-up ${i}`))));
    let more = 0;
    const stream = setInterval(() => act(() => void fake.deliver(textFrom('bob', `live${more}`, `live ${more++}`))), 100);
    try {
      await waitFor(() => expect(Number(receivingStatus()?.dataset.stored)).toBeGreaterThanOrEqual(120), patient);
      expect(receivingStatus()?.textContent).toMatch(/^Receiving messages… [\d,]+$/);
      expect(receivingStatus()?.getAttribute('role')).toBe('status');
    } finally {
      clearInterval(stream);
    }
    await waitFor(() => expect(receivingStatus()).toBeNull(), patient);
    expect(await sessionDb().messages.where('conversationId').equals('dm:bob').count()).toBe(120 + more);
  });

  it('shows nothing for ordinary traffic', async () => {
    const { fake } = await renderApp({ contacts: [fakeContact('bob')] });
    await screen.findByRole('list', { name: 'Conversations' }, patient);
    act(() => void fake.deliverAll([textFrom('bob', 'a', 'hi'), textFrom('bob', 'b', 'there')]));
    await waitFor(async () => expect(await sessionDb().messages.where('conversationId').equals('dm:bob').count()).toBe(2), patient);
    expect(document.querySelector('.app-receiving')).toBeNull();
  });
});
