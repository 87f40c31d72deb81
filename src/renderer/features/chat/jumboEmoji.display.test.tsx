// A message of one to three emoji is drawn large in the timeline; anything else at the normal size.
import { act, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useChats } from '../../store/chats';
import { fakeContact } from '../../testing/fakeParley';
import { textFrom } from '../../testing/messages';
import { useFakeLayout } from '../../testing/layout';
import { renderApp, resetApp } from '../../testing/renderApp';

useFakeLayout();
afterEach(() => resetApp());

describe('emoji-only messages', () => {
  it('draws one to three emoji large and leaves text with an emoji at the normal size', async () => {
    const { fake } = await renderApp({ contacts: [fakeContact('bob')] });
    act(() => {
      fake.deliver(textFrom('bob', 'one', '🎉'));
      fake.deliver(textFrom('bob', 'three', '👍 👍 👍'));
      fake.deliver(textFrom('bob', 'mixed', 'great 👍'));
    });
    act(() => useChats.getState().select('dm:bob'));
    const log = await screen.findByRole('log', { name: 'Messages with bob' });
    const body = async (text: string) => (await within(log).findByText(text)).closest('.message-body');
    expect((await body('🎉'))?.getAttribute('data-jumbo')).toBe('1');
    expect((await body('👍 👍 👍'))?.getAttribute('data-jumbo')).toBe('3');
    expect((await body('great 👍'))?.hasAttribute('data-jumbo')).toBe(false);
  });
});
