// The chat list as a live query over Dexie: re-runs when conversations or messages change.
import { useLiveQuery } from 'dexie-react-hooks';
import { listChatSummaries, type ChatSummary } from '../../db/conversations';
import { useSession } from '../../store/session';

export function useChatSummaries(): ChatSummary[] | undefined {
  const db = useSession((state) => state.session?.db);
  return useLiveQuery(() => (db ? listChatSummaries(db) : []), [db]);
}
