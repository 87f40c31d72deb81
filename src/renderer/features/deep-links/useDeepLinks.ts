// Takes parley:// links from main while the messenger runs — those that arrived before it started (held by main)
// and each new one — and acts on them in arrival order.
import { useEffect } from 'react';
import { ensureConversation } from '../../db/conversations';
import { invoke, subscribe } from '../../ipc';
import { useChats } from '../../store/chats';
import { useDialogs } from '../../store/dialogs';
import { useNotices } from '../../store/notices';
import { requireSession } from '../../store/session';
import { deepLinkAction, type DeepLinkAction, type DeepLinkContext } from './deepLinkAction';

async function currentContext(me: string): Promise<DeepLinkContext> {
  const [contacts, groups] = await Promise.all([invoke('contacts.list', {}), invoke('groups.list', {})]);
  return {
    me,
    contacts: new Set(contacts.map((contact) => contact.username)),
    groups: new Map(groups.map((group) => [group.groupId, group.name])),
  };
}

async function perform(action: DeepLinkAction): Promise<void> {
  switch (action.kind) {
    case 'open': {
      const { db } = requireSession();
      await ensureConversation(db, action.conversationId, action.title, Date.now());
      useDialogs.getState().close();
      useChats.getState().select(action.conversationId);
      return;
    }
    case 'offerChat':
      useDialogs.getState().show({ kind: 'newChat', username: action.username, fromLink: true });
      return;
    case 'join':
      useDialogs.getState().show({ kind: 'joinGroup', token: action.token });
      return;
    case 'notice':
      useNotices.getState().notify(action.text, action.tone);
  }
}

/** Drains main's deep links whenever one arrives, one drain at a time, while `ready` (the session runs). */
export function useDeepLinks(ready: boolean): void {
  useEffect(() => {
    if (!ready) return;
    let stopped = false;
    let queue = Promise.resolve();
    const drain = () => {
      queue = queue.then(async () => {
        if (stopped) return;
        const received = await invoke('links.takeDeepLinks', {});
        if (received.length === 0 || stopped) return;
        const context = await currentContext(requireSession().me);
        for (const link of received) if (!stopped) await perform(deepLinkAction(link, context));
      }).catch((error: unknown) => {
        if (!stopped) useNotices.getState().notify(`Parley could not open a link (${error instanceof Error ? error.message : 'unknown error'}).`, 'error');
      });
    };
    const unsubscribe = subscribe('links.deepLinkReceived', drain);
    drain();
    return () => {
      stopped = true;
      unsubscribe();
    };
  }, [ready]);
}
