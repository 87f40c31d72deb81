// End-to-end encrypted messaging for one account: opens the vault and the stores in it, wires the relay's events
// to the receive pipeline and the prekey upkeep, and offers the contacts, messages and groups operations the IPC
// handlers call. Everything it hands out is plaintext for display; keys and states never leave it.
import { identityKeyPairFromSeed } from '../../../shared/crypto/identity';
import type { CryptoProvider } from '../../../shared/crypto/provider';
import type { AutoDownloadLimits, ContactView, GroupView, InvitePreview, InviteView, IpcEvents, PendingJoinView, ReceivedMessage, SafetyNumberView, ResponseOf } from '../../../shared/ipc';
import { normalizeUsername } from '../../../shared/protocol';
import type { Account } from '../account';
import { KeyedQueue } from '../../../shared/base';
import { ContactService } from '../contacts/ContactService';
import { AccountSecretStore } from '../devices/AccountSecretStore';
import { LinkedDevicesService } from '../devices/LinkedDevicesService';
import { PeerStore } from '../contacts/PeerStore';
import { comparedKey } from '../contacts/identityTrust';
import { contactView } from '../contacts/contactView';
import { nodeCryptoProvider } from '../crypto/node-provider';
import { applyReceivedUpdate } from '../groups/applyReceivedUpdate';
import { toView } from '../groups/group';
import { GroupSender } from '../groups/GroupSender';
import { GroupService } from '../groups/GroupService';
import { GroupStore } from '../groups/GroupStore';
import { adoptGroups } from '../history/adoptGroups';
import { HistoryExports } from '../history/HistoryExports';
import { HistoryImport } from '../history/HistoryImport';
import { HistoryKey } from '../history/historyKey';
import { GroupInvites, type CreateInvite } from '../groups/invites/GroupInvites';
import { InviteStore } from '../groups/invites/InviteStore';
import { JoinInbox } from '../groups/invites/JoinInbox';
import { UndoneAdmissions } from '../groups/invites/UndoneAdmissions';
import { PendingJoins } from '../groups/invites/PendingJoins';
import { PendingBroadcasts } from '../groups/PendingBroadcasts';
import { SenderKeyStore } from '../groups/SenderKeyStore';
import { AutoDownloads, vaultPassedOver, vaultQueue } from '../media/AutoDownloads';
import { MediaLibrary } from '../media/MediaLibrary';
import { MessageAttachments } from '../media/MessageAttachments';
import { transportBlobTokens } from '../media/transfer/transportBlobTokens';
import { PrekeyMaintenance } from '../prekeys/PrekeyMaintenance';
import { Profiles } from '../profiles/Profiles';
import { PreKeyStore } from '../prekeys/PreKeyStore';
import type { SecretStore } from '../secrets';
import { PairwiseChannel } from '../sessions/PairwiseChannel';
import { SessionStore } from '../sessions/SessionStore';
import type { Logger } from '../transport';
import { Vault } from '../vault';
import type { MessagingContext } from './context';
import { Inbox } from './Inbox';
import { MessageSender, type SendRequest } from './MessageSender';
import { ReceivePipeline } from './receive/ReceivePipeline';
import { RecentGroupSenders } from './RecentGroupSenders';
import { ReceivedHandOver } from './ReceivedHandOver';
import type { RelayPort } from './RelayPort';

/** The relay's default PARLEY_RELAY_MAX_RECIPIENTS: a group message to more devices goes in several sends. */
export const RELAY_MAX_RECIPIENTS_PER_SEND = 1000;
/** How often an online device checks whether its signed prekey is due for rotation. */
const PREKEY_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface MessengerOptions {
  dataDir: string;
  secrets: SecretStore;
  account: Account;
  relay: RelayPort;
  /** The relay's blob endpoint as of now (the relay can move). */
  blobEndpoint: () => URL;
  /** Up to which size received files download by themselves (Settings › Media), as set now. */
  autoDownloadLimits: () => AutoDownloadLimits;
  events: IpcEvents;
  logger: Logger;
  provider?: CryptoProvider;
  now?: () => number;
}

export class Messenger {
  private readonly unsubscribe: (() => void)[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  private constructor(
    private readonly ctx: MessagingContext,
    private readonly contacts: ContactService,
    private readonly sender: MessageSender,
    private readonly groupService: GroupService,
    private readonly invites: GroupInvites,
    private readonly pipeline: ReceivePipeline,
    private readonly prekeys: PrekeyMaintenance,
    private readonly history: HistoryKey,
    /** This account's attachments: staging, transfers and the media URL's bytes. */
    readonly media: MediaLibrary,
    private readonly autoDownloads: AutoDownloads,
    /** This account's devices: linking (on the primary), listing, removing. */
    readonly devices: LinkedDevicesService,
    /** The secret the account's devices share (given to a linked device by its primary). */
    readonly accountSecret: AccountSecretStore,
    /** Primary: the history gathered for a device being linked. */
    readonly historyExports: HistoryExports,
    /** New device: the history its primary sent along. */
    readonly historyImport: HistoryImport,
  ) {}

  static async open(options: MessengerOptions): Promise<Messenger> {
    const provider = options.provider ?? nodeCryptoProvider;
    let onGroupChanged: (groupId: string) => void = () => undefined;
    let invites: GroupInvites | undefined = undefined;
    const vault = await Vault.open({ dataDir: options.dataDir, secrets: options.secrets, provider });
    const [peers, groups, inbox] = await Promise.all([PeerStore.open(vault, options.logger), GroupStore.open(vault, options.logger), Inbox.open(vault, options.logger)]);
    const media = await MediaLibrary.open({
      dataDir: options.dataDir,
      vault,
      endpoint: options.blobEndpoint,
      tokens: transportBlobTokens(options.relay),
      onChanged: (view) => options.events.emit('media.changed', view),
      logger: options.logger,
    });
    const autoDownloads = await AutoDownloads.open({
      library: media,
      store: vaultQueue(vault),
      passedOverStore: vaultPassedOver(vault),
      limits: options.autoDownloadLimits,
      logger: options.logger,
    });
    const identity = identityKeyPairFromSeed(provider, options.account.identity.privateKey);
    const now = options.now ?? Date.now;
    const profiles = await Profiles.open({
      vault,
      dataDir: options.dataDir,
      me: normalizeUsername(options.account.username),
      endpoint: options.blobEndpoint,
      tokens: transportBlobTokens(options.relay),
      grantBlob: (blobId, to) => options.relay.grantBlob(blobId, to),
      isOnline: () => options.relay.snapshot.state === 'online',
      events: options.events,
      logger: options.logger,
      now,
    });
    const ctx: MessagingContext = {
      provider,
      identity,
      me: { user: normalizeUsername(options.account.username), device: options.account.device },
      accountKey: options.account.accountKey ?? identity.signing.publicKey,
      vault,
      sessions: new SessionStore(vault, options.logger),
      prekeys: new PreKeyStore(vault),
      peers,
      groups,
      senderKeys: new SenderKeyStore(vault, options.logger),
      inbox,
      attachments: new MessageAttachments(media, options.relay, RELAY_MAX_RECIPIENTS_PER_SEND, autoDownloads),
      recentGroupSenders: new RecentGroupSenders(),
      relay: options.relay,
      events: options.events,
      received: new ReceivedHandOver(inbox, options.events),
      logger: options.logger,
      deviceLock: new KeyedQueue(),
      maxRecipientsPerSend: RELAY_MAX_RECIPIENTS_PER_SEND,
      now,
      profiles,
      contactChanged: (view) => options.events.emit('contacts.changed', view),
      groupChanged: (groupId) => onGroupChanged(groupId),
      joinInbox: new JoinInbox(vault),
      undoneAdmissions: new UndoneAdmissions(vault),
      joinWorkQueued: () => void invites?.drain(),
      joinAnswered: (from, groupId, outcome) =>
        void invites?.answered(from, groupId, outcome).catch((error: unknown) => options.logger.warn('group.join_answer_dropped', { error: String((error as Error)?.name) })),
    };
    const pairwise = new PairwiseChannel(ctx);
    const accountSecret = new AccountSecretStore(vault, provider);
    const blobTokens = transportBlobTokens(options.relay);
    const historyExports = new HistoryExports({
      dataDir: options.dataDir,
      storedPointer: (id) => media.storedPointer(id),
      groups: () => groups.all(),
      verifiedContacts: () => peers.all().flatMap((peer) => (peer.verified && comparedKey(peer) ? [{ username: peer.username, key: comparedKey(peer)! }] : [])),
      contacts: () => peers.all().flatMap((peer) => (peer.contact || peer.blocked ? [{ username: peer.username, contact: peer.contact, blocked: peer.blocked === true }] : [])),
      profiles: () => profiles.copies(),
      endpoint: options.blobEndpoint,
      tokens: blobTokens,
      logger: options.logger,
      now: ctx.now,
    });
    const historyImport = await HistoryImport.open({
      dataDir: options.dataDir,
      vault,
      library: media,
      endpoint: options.blobEndpoint,
      tokens: blobTokens,
      importGroups: async (archived) => void (await adoptGroups(groups, archived, ctx.me.user, ctx.now())),
      importContacts: async (contacts) => {
        for (const contact of contacts) {
          if (contact.username === ctx.me.user) continue;
          const peer = await peers.keptElsewhere(contact.username, { added: contact.contact, blocked: contact.blocked }, ctx.now());
          if (peer) ctx.contactChanged(contactView(peer));
        }
      },
      importVerifications: async (contacts) => {
        for (const contact of contacts) {
          const peer = await peers.verifiedElsewhere(contact.username, contact.key, true);
          if (peer?.contact) ctx.contactChanged(contactView(peer));
        }
      },
      importProfiles: (copies) => profiles.adoptCopies(copies),
      events: options.events,
      logger: options.logger,
    });
    const lanes = new KeyedQueue();
    const groupSender = new GroupSender(ctx, pairwise);
    const pipeline = new ReceivePipeline(ctx);
    onGroupChanged = (groupId) => pipeline.retryParked(groupId);
    const groupService = new GroupService(ctx, pairwise, lanes, new PendingBroadcasts(vault));
    invites = new GroupInvites(ctx, pairwise, groupService, new InviteStore(vault, ctx.now), ctx.joinInbox, new PendingJoins(vault));
    const messenger = new Messenger(
      ctx,
      new ContactService(ctx, pairwise),
      new MessageSender(ctx, pairwise, groupSender, lanes),
      groupService,
      invites,
      pipeline,
      new PrekeyMaintenance({ provider, identity: ctx.identity, store: ctx.prekeys, relay: options.relay, logger: options.logger, now: ctx.now }),
      new HistoryKey(vault, provider),
      media,
      autoDownloads,
      new LinkedDevicesService(ctx, accountSecret, historyExports, pairwise),
      accountSecret,
      historyExports,
      historyImport,
    );
    await messenger.recoverGroupUpdates();
    for (const message of inbox.pending()) {
      if (message.conversationId.startsWith('group:')) ctx.recentGroupSenders.remember(message.conversationId.slice(6), message.messageId, message.sender.user);
    }
    messenger.follow(options.relay);
    return messenger;
  }

  // ── contacts ──
  addContact = (username: string): Promise<ContactView> => this.contacts.add(username);
  listContacts = (): ContactView[] => this.contacts.list();
  safetyNumber = (username: string): SafetyNumberView => this.contacts.safetyNumber(username);
  setVerified = (username: string, verified: boolean): Promise<ContactView> => this.released(this.contacts.setVerified(username, verified));
  acceptIdentity = (username: string): Promise<ContactView> => this.released(this.contacts.acceptIdentity(username));
  setBlocked = (username: string, blocked: boolean): Promise<ContactView> => this.contacts.setBlocked(username, blocked);

  // ── profiles ──
  /** This user's profile and the ones shared with them (docs/protocol.md "Profiles"). */
  get profiles(): Profiles {
    return this.ctx.profiles;
  }

  // ── messages ──
  send = (request: SendRequest): Promise<ResponseOf<'messages.send'>> => this.sender.send(request);
  pending = (): ReceivedMessage[] => this.ctx.inbox.pending();
  /** `messages.pending`: what main holds, to the renderer, which hears of new messages as events from then on. */
  handOverPending = (): ReceivedMessage[] => this.ctx.received.pending();
  commit = (inboxIds: readonly string[]): Promise<void> => this.ctx.inbox.commit(inboxIds);
  /** The key the renderer encrypts its history at rest with (made on first use, kept in the vault). */
  historyKey = (): Promise<Uint8Array> => this.history.get();

  // ── groups ──
  listGroups = (): GroupView[] => this.groupService.list();
  createGroup = (name: string, members: readonly string[]): Promise<GroupView> => this.groupService.create(name, members);
  renameGroup = (groupId: string, name: string): Promise<GroupView> => this.groupService.rename(groupId, name);
  addMembers = (groupId: string, members: readonly string[]): Promise<GroupView> => this.groupService.addMembers(groupId, members);
  removeMember = (groupId: string, member: string): Promise<GroupView> => this.groupService.removeMember(groupId, member);
  makeAdmin = (groupId: string, member: string): Promise<GroupView> => this.groupService.makeAdmin(groupId, member);
  setGroupApproval = (groupId: string, approveNewMembers: boolean): Promise<GroupView> => this.groupService.setApproval(groupId, approveNewMembers);
  leaveGroup = (groupId: string): Promise<GroupView> => this.groupService.leave(groupId);

  // ── group invites ──
  createInvite = (request: CreateInvite): Promise<InviteView> => this.invites.create(request);
  listInvites = (groupId: string): Promise<InviteView[]> => this.invites.list(groupId);
  revokeInvite = (groupId: string, inviteId: string): Promise<InviteView> => this.invites.revoke(groupId, inviteId);
  answerJoinRequest = (groupId: string, inviteId: string, user: string, approve: boolean): Promise<InviteView> =>
    this.invites.answerRequest(groupId, inviteId, user, approve);
  previewInvite = (token: string): InvitePreview => this.invites.preview(token);
  joinGroup = (token: string): Promise<void> => this.invites.join(token);
  pendingJoins = (): Promise<PendingJoinView[]> => this.invites.pending();

  /** After a held contact is released, group changes that waited for it go out. */
  private async released(change: Promise<ContactView>): Promise<ContactView> {
    const view = await change;
    if (this.ctx.relay.snapshot.state === 'online') {
      this.groupService.resendPending().catch((error: unknown) => this.ctx.logger.warn('group.resend_failed', { error: String((error as Error)?.name) }));
    }
    return view;
  }

  /** Counters for tests and diagnostics (no content): received, failed, redelivered, unsupported, malformed. */
  get receiveStats() {
    return { ...this.pipeline.stats };
  }

  /** Resolves when every delivery received so far has been handled. */
  idle(): Promise<void> {
    return this.pipeline.idle();
  }

  /** Settings › Media changed: received files that now fall under a raised limit start downloading in the background. */
  autoDownloadLimitsChanged(): Promise<void> {
    return this.autoDownloads.limitsChanged();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.unsubscribe.splice(0)) stop();
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.pipeline.idle();
    this.pipeline.close();
    await this.invites.drain();
    await this.prekeys.idle();
    await this.historyImport.close();
    await this.autoDownloads.close();
    await this.media.close();
    await this.ctx.deviceLock.idle();
    await this.ctx.vault.close();
  }

  private follow(relay: RelayPort): void {
    const online = () => {
      void this.prekeys.check();
      void this.invites.drain();
      this.groupService.resendPending().catch((error: unknown) => this.ctx.logger.warn('group.resend_failed', { error: String((error as Error)?.name) }));
    };
    this.unsubscribe.push(
      relay.on('delivery', (delivery) => this.pipeline.deliver(delivery)),
      relay.on('prekeysLow', () => void this.prekeys.refill()),
      relay.on('state', (snapshot) => {
        if (snapshot.state === 'online') online();
      }),
    );
    if (relay.snapshot.state === 'online') online();
    this.timer = setInterval(() => {
      if (relay.snapshot.state === 'online') void this.prekeys.check();
    }, PREKEY_CHECK_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** A group update in the inbox may not have been applied before a crash: apply it now (a no-op if it was). */
  private async recoverGroupUpdates(): Promise<void> {
    for (const entry of this.ctx.inbox.entriesOf('group_update')) {
      if (!entry.from || !entry.groupSnapshot || entry.message.content.kind !== 'group_update') continue;
      const groupId = entry.message.conversationId.slice('group:'.length);
      const { update } = entry.message.content;
      const state = await applyReceivedUpdate(this.ctx, { groupId, sender: entry.from.user, messageId: entry.message.messageId, update, snapshot: entry.groupSnapshot });
      if (state) this.ctx.events.emit('groups.changed', { group: toView(state), update });
    }
  }
}
