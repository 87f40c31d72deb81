// Text whose emoji sequences are all drawn whole (features/emoji/wholeEmojiRuns.ts): message bodies, previews,
// quotes and reaction chips.
import { Fragment } from 'react';
import { wholeEmojiRuns } from './wholeEmojiRuns';

export function EmojiSafeText({ text }: { text: string }) {
  const runs = wholeEmojiRuns(text);
  if (runs.length === 1 && runs[0]!.kind === 'text') return text;
  return runs.map((run, index) =>
    run.kind === 'text' ? (
      <Fragment key={index}>{run.text}</Fragment>
    ) : (
      <span key={index} className="whole-emoji">
        {run.text}
      </span>
    ),
  );
}
