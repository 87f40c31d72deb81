// Starts messaging for the signed-in account: opens its database, runs the outbox worker while the connection
// is online, runs the receive pipeline, purges disappearing messages, and keeps contacts, groups and their
// conversations current.
// Returns the function that stops all of it.
import type { AccountView, GroupView, RequestOf } from '../../shared/ipc';
import { openParleyDatabase, type ParleyDatabase } from '../db/database';
import { dmConversationId, ensureConversation, groupConversationId, groupIdOf, setConversationTitle } from '../db/conversations';
import { noteAdmissionUndone, noteLinkedDevice } from '../db/systemNotes';
import { invoke, subscribe } from '../ipc';
import { useConnection } from '../store/connection';
import { useContacts } from '../store/contacts';
import { useProfiles } from '../store/profiles';
import { useGroups } from '../store/groups';
import { useSession } from '../store/session';
import { useTyping } from '../store/typing';
import { rememberOpenChat } from '../features/chats/rememberOpenChat';
import { keepDrafts } from '../features/composer/keepDrafts';
import { HistoryImportWorker } from '../features/devices/HistoryImportWorker';
import { useHistoryImport } from '../features/devices/historyImportStore';
import { ExpiryWorker } from '../features/disappearing/ExpiryWorker';
import { useMedia } from '../features/media/mediaStore';
import { notifyNewMessages } from '../features/notifications/notifyNewMessages';
import { OutboxWorker } from '../sync/outbox/OutboxWorker';
import { ReceiveWorker } from '../sync/ReceiveWorker';
import { SearchIndexer } from '../db/search/SearchIndexer';
import { waitForIdleSlice } from '../db/expiry';
import { ReceiptWorker } from '../sync/ReceiptWorker';
import { unlockHistory } from './unlockHistory';
import { giveWayToMessaging, INDEX_AFTER_QUIET_MS } from './giveWayToMessaging';
import { useReceiving } from '../features/connection/receivingStore';
import { FileDeletionWorker } from '../sync/FileDeletionWorker';
import { sweepFiles } from '../sync/fileSweep';
import { preloadEmojiFont } from '../styles/emojiFont';

/** Between two pages of the one-time file sweep: a frame for the UI. */
const SWEEP_PAUSE_MS = 16;
/**
 * The emoji font (styles/emojiFont.ts) is preloaded once receiving has been quiet as long as the indexer waits: a
 * catch-up at start is stored first. Under steady traffic it waits at most this long.
 */
const EMOJI_FONT_WAIT_MAX_MS = 10_000;

function log(event: string, fields: Record<string, unknown>): void {
  console.info(`parley.${event}`, fields);
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** Every group has a conversation, titled with the group's current name. */
export async function syncGroupConversations(db: ParleyDatabase, groups: readonly GroupView[], now = Date.now()): Promise<void> {
  for (const group of groups) {
    const id = groupConversationId(group.groupId);
    const conversation = await ensureConversation(db, id, group.name, now);
    if (conversation.title !== group.name) await setConversationTitle(db, id, group.name);
  }
}

export interface StartSessionOptions {
  /** Defaults to this account's own database. */
  db?: ParleyDatabase;
}

export function startSession(account: AccountView, options: StartSessionOptions = {}): () => void {
  let stopped = false;
  // Nothing reads or writes the database before its keys are there (ParleyDatabase waits for them on open).
  const db = options.db ?? openParleyDatabase(account.username, unlockHistory(() => stopped));
  const me = account.username;
  const send = (request: RequestOf<'messages.send'>) => invoke('messages.send', request);
  const outbox = new OutboxWorker({ db, send, log });
  const receipts = new ReceiptWorker({ db, send, log });
  useSession.setState({ session: { me, db, outbox, receipts } });

  const isOnline = () => useConnection.getState().snapshot?.state === 'online';
  const followConnection = () => {
    outbox.setOnline(isOnline());
    receipts.setOnline(isOnline());
  };
  followConnection();
  const stopFollowingConnection = useConnection.subscribe((state, previous) => {
    if (state.snapshot?.state !== previous.snapshot?.state) followConnection();
  });

  const titleOf = (conversationId: string) => {
    const groupId = groupIdOf(conversationId);
    if (groupId === null) return conversationId.slice(3);
    return useGroups.getState().groups[groupId]?.name ?? 'Group';
  };
  /** Background work of this session; after stop() its failures (a closed database) are expected. */
  const background = (event: string, work: Promise<unknown>) => {
    work.catch((error: unknown) => {
      if (!stopped) log(event, { error: errorName(error) });
    });
  };
  const refreshGroups = () => useGroups.getState().load().then((groups) => (stopped ? undefined : syncGroupConversations(db, groups)));

  const pipeline = new ReceiveWorker({
    db,
    me,
    titleOf,
    log,
    ipc: {
      pending: () => invoke('messages.pending', {}),
      commit: async (inboxIds) => {
        await invoke('messages.commit', { inboxIds });
      },
      onReceived: (listener) => subscribe('messages.received', listener),
    },
    onTyping: (message) => {
      if (message.content.kind === 'typing') useTyping.getState().note(message.conversationId, message.sender.user, message.content.typing);
    },
    onGroupsChanged: () => background('groups.refresh_failed', refreshGroups()),
    onStored: (messages) => {
      new Set(messages.map((message) => message.conversationId)).forEach((id) => receipts.poke(id));
      background('notifications.failed', notifyNewMessages({ db, me }, messages));
      useReceiving.getState().noteStored(messages.length, () => pipeline.whenQuiet(INDEX_AFTER_QUIET_MS, Number.POSITIVE_INFINITY));
    },
  });

  const expiry = new ExpiryWorker(db, log);
  expiry.start();
  const fileDeletions = new FileDeletionWorker({ db, forget: async (messages) => void (await invoke('media.forgetMessages', { messages })), log });
  fileDeletions.start();
  const stopDrafts = keepDrafts(db, background);
  const stopMedia = useMedia.getState().follow();
  const indexer = new SearchIndexer(
    db,
    (error) => {
      if (!stopped) log('search.index_failed', { error: errorName(error) });
    },
    () => giveWayToMessaging(pipeline, outbox),
    () => waitForIdleSlice(),
    () => expiry.whenIdle(),
  );
  indexer.start();
  const stopRememberingChat = rememberOpenChat(db, me, background);
  const stopContacts = useContacts.getState().follow();
  const stopProfiles = useProfiles.getState().follow(me);
  background('profiles.load_failed', useProfiles.getState().load());
  const stopLinkedDevices = subscribe('contacts.deviceLinked', ({ username, device, at }) =>
    background('contacts.linked_device_failed', noteLinkedDevice(db, username, device, at)),
  );
  const stopUndoneAdmissions = subscribe('groups.joinAnswered', ({ groupId, inviter, admissionUndone }) => {
    if (admissionUndone) background('groups.admission_undone_note_failed', noteAdmissionUndone(db, groupId, inviter, Date.now()));
  });
  const historyImport = new HistoryImportWorker({
    db,
    me,
    ipc: {
      state: () => invoke('history.importState', {}),
      batch: (offset, limit) => invoke('history.importBatch', { offset, limit }),
      finish: async () => void (await invoke('history.finishImport', {})),
      onChanged: (listener) => subscribe('history.importChanged', listener),
    },
    report: (progress) => useHistoryImport.setState({ progress }),
    onFinished: () => background('groups.refresh_failed', refreshGroups()),
    log,
  });
  historyImport.start();
  const stopGroups = useGroups.getState().follow((group) => background('groups.sync_failed', syncGroupConversations(db, [group])));
  background(
    'contacts.load_failed',
    useContacts
      .getState()
      .load()
      .then(async () => {
        const now = Date.now();
        for (const username of Object.keys(useContacts.getState().contacts)) {
          if (!stopped) await ensureConversation(db, dmConversationId(username), username, now);
        }
      }),
  );
  // Groups first, so conversations created by received messages get their names; messages come either way.
  const receiving = refreshGroups()
    .catch((error: unknown) => log('groups.refresh_failed', { error: errorName(error) }))
    .then(() => (stopped ? undefined : pipeline.start()));
  background('receive.start_failed', receiving);
  background(
    'emoji_font.preload_failed',
    receiving
      .catch(() => undefined)
      .then(() => pipeline.whenQuiet(INDEX_AFTER_QUIET_MS, EMOJI_FONT_WAIT_MAX_MS))
      .then(() => {
        if (!stopped) preloadEmojiFont();
      }),
  );
  // Once, after what main held for this side has been taken: files older than deletions taking them.
  const sweepIpc = {
    list: (offset: number, limit: number) => invoke('media.sweepList', { offset, limit }),
    sweep: async (ids: string[]) => void (await invoke('media.sweep', { ids })),
  };
  background(
    'files.sweep_failed',
    receiving
      .catch(() => undefined)
      .then(() => (stopped ? 0 : sweepFiles(db, sweepIpc, () => new Promise((resolve) => setTimeout(resolve, SWEEP_PAUSE_MS)))))
      .then((deleted) => {
        if (deleted > 0) log('files.swept', { deleted });
      }),
  );

  return () => {
    stopped = true;
    pipeline.stop();
    useReceiving.getState().reset();
    outbox.stop();
    receipts.stop();
    expiry.stop();
    fileDeletions.stop();
    stopFollowingConnection();
    stopDrafts();
    stopMedia();
    indexer.stop();
    stopRememberingChat();
    stopContacts();
    stopProfiles();
    stopLinkedDevices();
    stopUndoneAdmissions();
    historyImport.stop();
    stopGroups();
    useSession.setState({ session: null });
    if (!options.db) db.close();
  };
}
