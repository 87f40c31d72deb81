// Keeps the drafts store and the account's database in step for one session: drafts written before a restart come
// back, and every change is written as it happens (IndexedDB runs the writes in order). Stopping forgets the
// drafts in memory, so the next account does not see them.
import { loadDrafts, saveDraft } from '../../db/drafts';
import type { ParleyDatabase } from '../../db/database';
import { useDrafts } from '../../store/drafts';

export function keepDrafts(db: ParleyDatabase, background: (event: string, work: Promise<unknown>) => void): () => void {
  let stopped = false;
  background(
    'drafts.load_failed',
    loadDrafts(db).then((saved) => {
      // Whatever was typed while they loaded wins.
      if (!stopped) useDrafts.setState((state) => ({ drafts: { ...saved, ...state.drafts } }));
    }),
  );
  const unsubscribe = useDrafts.subscribe((state, previous) => {
    if (stopped) return;
    for (const [conversationId, text] of Object.entries(state.drafts)) {
      if (previous.drafts[conversationId] !== text) background('drafts.save_failed', saveDraft(db, conversationId, text));
    }
    for (const conversationId of Object.keys(previous.drafts)) {
      if (!(conversationId in state.drafts)) background('drafts.save_failed', saveDraft(db, conversationId, ''));
    }
  });
  return () => {
    stopped = true;
    unsubscribe();
    useDrafts.setState({ drafts: {} });
  };
}
