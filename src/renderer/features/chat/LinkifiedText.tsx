// Message text with its links as focusable spans that ask main to open them (never an <a href>: the renderer
// must not navigate, and main decides whether a URL is safe to hand to the OS), and in groups the mentions of
// members highlighted (of this user: more strongly). Mentions are looked for outside links only.
import { memo, type KeyboardEvent } from 'react';
import { findMentions } from '../../../shared/conversations/mentions';
import { invoke } from '../../ipc';
import { userMessage } from '../../errors';
import { useNotices } from '../../store/notices';
import { EmojiSafeText } from '../emoji/EmojiSafeText';
import { linkify } from './linkify';

export async function openLink(url: string): Promise<void> {
  try {
    await invoke('links.open', { url });
  } catch (error) {
    useNotices.getState().notify(userMessage(error, 'Parley could not open that link.'), 'error');
  }
}

/** Who may be mentioned (lower-cased usernames) and who this user is. */
export interface MentionContext {
  isMember(username: string): boolean;
  me: string;
}

function MentionedText({ text, mentions }: { text: string; mentions: MentionContext | undefined }) {
  const found = mentions ? findMentions(text, mentions.isMember) : [];
  if (found.length === 0) {
    return (
      <span>
        <EmojiSafeText text={text} />
      </span>
    );
  }
  const me = mentions?.me.toLowerCase();
  const parts = [];
  let last = 0;
  for (const mention of found) {
    if (mention.start > last) parts.push(<EmojiSafeText key={`text-${last}`} text={text.slice(last, mention.start)} />);
    const written = text.slice(mention.start, mention.end);
    parts.push(
      mention.username.toLowerCase() === me ? (
        <mark key={mention.start} className="mention mention-me">
          {written}
        </mark>
      ) : (
        <span key={mention.start} className="mention">
          {written}
        </span>
      ),
    );
    last = mention.end;
  }
  if (last < text.length) parts.push(<EmojiSafeText key={`text-${last}`} text={text.slice(last)} />);
  return <span>{parts}</span>;
}

export const LinkifiedText = memo(function LinkifiedText({ text, mentions }: { text: string; mentions?: MentionContext }) {
  return (
    <>
      {linkify(text).map((segment, index) =>
        segment.kind === 'text' ? (
          <MentionedText key={index} text={segment.text} mentions={mentions} />
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
