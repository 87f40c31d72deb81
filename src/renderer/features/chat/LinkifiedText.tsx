// Message text with its links as focusable spans that ask main to open them (never an <a href>: the renderer
// must not navigate, and main decides whether a URL is safe to hand to the OS).
import { memo, type KeyboardEvent } from 'react';
import { invoke } from '../../ipc';
import { userMessage } from '../../errors';
import { useNotices } from '../../store/notices';
import { linkify } from './linkify';

export async function openLink(url: string): Promise<void> {
  try {
    await invoke('links.open', { url });
  } catch (error) {
    useNotices.getState().notify(userMessage(error, 'Parley could not open that link.'), 'error');
  }
}

export const LinkifiedText = memo(function LinkifiedText({ text }: { text: string }) {
  return (
    <>
      {linkify(text).map((segment, index) =>
        segment.kind === 'text' ? (
          <span key={index}>{segment.text}</span>
        ) : (
          <span
            key={index}
            className="link"
            role="link"
            tabIndex={0}
            title={segment.url}
            onClick={() => void openLink(segment.url)}
            onKeyDown={(event: KeyboardEvent) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                void openLink(segment.url);
              }
            }}
          >
            {segment.text}
          </span>
        ),
      )}
    </>
  );
});
