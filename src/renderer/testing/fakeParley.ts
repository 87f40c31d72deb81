// An in-memory window.parley for tests and the visual harness: every channel of the IPC contract, behind the
// real contract dispatcher (so requests and responses are validated exactly as main does), with knobs to inject
// failures, hold sends, deliver messages and change the connection. Runs in any JS environment, no test runner.
import {
  AppError,
  DEFAULT_APP_SETTINGS,
  createIpcDispatcher,
  eventChannels,
  type AccountView,
  type AppInfo,
  type AppSettings,
  type AttachmentView,
  type ConnectionSnapshot,
  type ContactView,
  type ProfileView,
  type DeviceView,
  type EventChannel,
  type EventOf,
  type GroupUpdate,
  type GroupView,
  type HistoryConversation,
  type HistoryImportView,
  type HistoryMessage,
  type InvitePreview,
  type PendingJoinView,
  type InviteView,
  type IpcErrorBody,
  type IpcHandlers,
  type IpcResult,
  type InvokeChannel,
  type ParleyBridge,
  type ParsedRequestOf,
  type ReceivedDeepLink,
  type ReceivedMessage,
  type UpdateStatus,
  type UpdateView,
} from '../../shared/ipc';

export interface FakeParleyOptions {
  account?: AccountView | null;
  /** Usernames that exist on the fake relay (can be added as contacts; cannot be registered). */
  users?: string[];
  contacts?: ContactView[];
  groups?: GroupView[];
  connection?: ConnectionSnapshot['state'];
  info?: Partial<AppInfo>;
  /** Messages waiting in main for the renderer to store and commit (returned by messages.pending). */
  pending?: ReceivedMessage[];
  /** parley:// links main holds for the renderer when it starts. */
  deepLinks?: ReceivedDeepLink[];
  settings?: Partial<AppSettings>;
  updateStatus?: UpdateStatus;
  /** The account's devices as the relay lists them (devices.list); by default only this one, the primary. */
  devices?: DeviceView[];
  /** Attachments main has when it starts (what a previous run left in its store). */
  attachments?: AttachmentView[];
  now?: () => number;
}

export type SendRequest = ParsedRequestOf<'messages.send'>;

export const FAKE_DEFAULT_RELAY = 'ws://127.0.0.1:8787/v1/ws';
/** The history key every fake hands out (32 bytes, base64). */
export const FAKE_HISTORY_KEY = btoa('parley fake history key, 32 byte');

export function fakeAccount(username: string): AccountView {
  return {
    username,
    device: 1,
    relayUrls: [FAKE_DEFAULT_RELAY],
    identityKey: 'bW9jay1pZGVudGl0eS1rZXktZm9yLXRlc3RzLW9ubHk=',
    keyProtection: { osKeychain: true, warning: null },
  };
}

export function fakeContact(username: string, overrides: Partial<ContactView> = {}): ContactView {
  return { username, identityKey: `key-of-${username}`, verified: false, identityChanged: false, addedAt: 1_700_000_000_000, blocked: false, ...overrides };
}

/** A valid group id (22 base64url characters) that is the same on every run. */
export function fakeGroupId(n: number): string {
  return `grp${String(n).padStart(19, '0')}`;
}

/** 60 digits both sides would compute the same: derived from the two names, stable across runs. */
function fakeSafetyNumber(a: string, b: string): string {
  const [first, second] = [a, b].sort();
  let state = 2166136261;
  let digits = '';
  for (const char of `${first}|${second}`.repeat(8)) {
    state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
    digits += String(state % 10);
    if (digits.length === 60) break;
  }
  return digits.padEnd(60, '7');
}

export function fakeLinkCode(name: string): string {
  return `parley-link:1:fake:${encodeURIComponent(name)}`;
}

function fakeLinkCodeName(code: string): string {
  const match = /^parley-link:1:fake:([^:]+)$/.exec(code);
  if (!match) throw new AppError('bad_link_code', { id: 'link_code.not_a_code' });
  return decodeURIComponent(match[1]!);
}

/** A failure told with exactly the body a test gave: its own words, or a string-table id with parameters. */
class GivenFailure extends AppError {
  constructor(private readonly body: IpcErrorBody) {
    super(body.code, body.text ?? { id: 'internal' }, body.retryable);
  }

  override toBody(): IpcErrorBody {
    return this.body;
  }
}

/** A received message as a test writes it: the fake numbers it and stamps its arrival. */
type Unnumbered = Omit<ReceivedMessage, 'inboxId' | 'receivedAt'> & Partial<Pick<ReceivedMessage, 'inboxId' | 'receivedAt'>>;

interface Failure {
  error: IpcErrorBody;
  times: number;
}

export class FakeParley {
  account: AccountView | null;
  info: AppInfo;
  readonly users: Set<string>;
  readonly contacts = new Map<string, ContactView>();
  /** This user's profile (profiles.setOwn) and the ones others shared (shareProfile). */
  ownProfile: ProfileView | null = null;
  readonly profiles = new Map<string, ProfileView>();
  readonly groups = new Map<string, GroupView>();
  connection: ConnectionSnapshot;
  readonly pending = new Map<string, ReceivedMessage>();
  /** Every invoke that reached a handler, in order. */
  readonly calls: { channel: InvokeChannel; request: unknown }[] = [];
  readonly sent: SendRequest[] = [];
  readonly committed: string[] = [];
  readonly openedLinks: string[] = [];
  /** Invite links this device made, by invite id; what groups.previewInvite says about a token. */
  readonly invites = new Map<string, InviteView>();
  readonly invitePreviews = new Map<string, InvitePreview>();
  /** What groups.pendingJoins answers: join requests sent and not settled (a test sets and changes it). */
  pendingJoins: PendingJoinView[] = [];
  /** parley:// links main parsed and holds for the renderer (links.takeDeepLinks). */
  readonly deepLinks: ReceivedDeepLink[] = [];
  settings: AppSettings;
  updates: UpdateView;
  /** How many times the renderer asked to restart into an update. */
  restarts = 0;
  /** The unread total the renderer last reported (app.setUnreadCount), and how often it asked to show the window. */
  unreadCount: number | null = null;
  windowShown = 0;
  relayReachable = true;
  /** Attachments main knows (media.get and friends); add with putAttachment. */
  readonly attachments = new Map<string, AttachmentView>();
  /** Those it had when it started (options.attachments): the only ones its file sweep lists, as main's. */
  private readonly startedWith = new Set<string>();
  /** The account's devices (devices.list), once the app asked for them or a test set them. */
  devices: DeviceView[] | null;
  /** The name the waiting new device shows in its code (devices.startLinking), until a test links it. */
  linkingName: string | null = null;
  /** Histories the renderer gathered (history.startExport/addToExport), by export id. */
  readonly historyExports = new Map<string, { since: number | null; conversations: HistoryConversation[]; messages: HistoryMessage[] }>();
  /** The history sent along with each device linked here (devices.link with an export), by device id. */
  readonly historySent = new Map<number, { since: number | null; conversations: HistoryConversation[]; messages: HistoryMessage[] }>();
  /** New device: the history its primary sent along (offerHistory), served in batches until finishImport. */
  private historyToImport: { conversations: HistoryConversation[]; messages: HistoryMessage[]; attachments: AttachmentView[] } | null = null;
  private historyImport: HistoryImportView = { state: 'none' };
  /** After each text message is sent, the recipient confirms it this far (a few hundred ms later). */
  autoReceipt: 'delivered' | 'read' | null = null;
  private readonly failures = new Map<InvokeChannel, Failure[]>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private held: (() => void)[] | null = null;
  private readonly textFailures: IpcErrorBody[] = [];
  private nextGroup = 1;
  private nextInbox = 1;
  private readonly now: () => number;
  readonly bridge: ParleyBridge;

  constructor(options: FakeParleyOptions = {}) {
    this.now = options.now ?? Date.now;
    this.account = options.account ?? null;
    this.info = { version: '0.0.0-fake', shell: 'browser', defaultRelayUrl: FAKE_DEFAULT_RELAY, ...options.info };
    this.users = new Set(options.users ?? ['bob', 'carol', 'dave', 'erin']);
    this.devices = options.devices ?? null;
    for (const contact of options.contacts ?? []) this.contacts.set(contact.username, contact);
    for (const group of options.groups ?? []) this.groups.set(group.groupId, group);
    this.nextGroup = this.groups.size + 1;
    this.connection = { state: options.connection ?? 'online', attempt: 0, nextRetryAt: null, lastError: null, relayUrl: this.account?.relayUrls[0] ?? FAKE_DEFAULT_RELAY };
    for (const message of options.pending ?? []) this.pending.set(message.inboxId, message);
    for (const view of options.attachments ?? []) {
      this.attachments.set(view.id, view);
      this.startedWith.add(view.id);
    }
    this.deepLinks.push(...(options.deepLinks ?? []));
    this.settings = { ...DEFAULT_APP_SETTINGS, ...options.settings };
    this.updates = { currentVersion: this.info.version, channel: this.settings.updateChannel, status: options.updateStatus ?? { state: 'idle' } };
    const dispatch = createIpcDispatcher(this.handlers(), { error: () => undefined });
    this.bridge = {
      invoke: async (channel, request) => {
        await Promise.resolve();
        const failure = this.takeFailure(channel);
        if (failure) return { ok: false, error: failure } satisfies IpcResult<never>;
        return dispatch(channel, request, { trusted: true });
      },
      on: (event, listener) => {
        const set = this.listeners.get(event) ?? new Set();
        set.add(listener);
        this.listeners.set(event, set);
        return () => set.delete(listener);
      },
    };
  }

  /** Main learns of an attachment or reports its new state (media.changed). */
  putAttachment(view: AttachmentView): void {
    this.attachments.set(view.id, view);
    this.emit('media.changed', view);
  }

  /** Installs this fake as window.parley. */
  install(target: object = globalThis): this {
    (target as Record<string, unknown>).parley = this.bridge;
    return this;
  }

  /** The next `times` invokes of `channel` fail with this error (before any handler runs). */
  failNext(channel: InvokeChannel, error: Partial<IpcErrorBody> & { code: IpcErrorBody['code'] }, times = 1): void {
    const list = this.failures.get(channel) ?? [];
    list.push({ error: { message: `Fake failure: ${error.code}`, retryable: false, ...error }, times });
    this.failures.set(channel, list);
  }

  /** The next text message sent fails with this error (receipts and typing notices are not affected). */
  failNextText(error: Partial<IpcErrorBody> & { code: IpcErrorBody['code'] }): void {
    this.textFailures.push({ message: `Fake failure: ${error.code}`, retryable: false, ...error });
  }

  /** Sends wait until releaseSends() (to observe messages in flight). */
  holdSends(): void {
    this.held ??= [];
  }

  releaseSends(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const release of held) release();
  }

  emit<E extends EventChannel>(event: E, payload: EventOf<E>): void {
    const valid = eventChannels[event].parse(payload);
    for (const listener of this.listeners.get(event) ?? []) listener(valid);
  }

  listenerCount(event: EventChannel): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** `relayUrl`: the relay it is on or tries next (by default the one it was on). */
  setConnection(state: ConnectionSnapshot['state'], lastError: ConnectionSnapshot['lastError'] = null, relayUrl = this.connection.relayUrl): void {
    this.connection = {
      state,
      attempt: state === 'online' ? 0 : this.connection.attempt + 1,
      nextRetryAt: state === 'reconnecting' ? this.now() + 5_000 : null,
      lastError,
      ...(relayUrl === undefined ? {} : { relayUrl }),
    };
    this.emit('connection.changed', this.connection);
  }

  /** Main decrypted a message: it waits in `pending` until committed, and the renderer hears of it now. */
  deliver(message: Unnumbered): ReceivedMessage {
    return this.deliverAll([message])[0]!;
  }

  /** Main decrypted a receive batch: its messages wait in `pending`, and the renderer hears of them in one event. */
  deliverAll(messages: Unnumbered[]): ReceivedMessage[] {
    const full = messages.map((message): ReceivedMessage => ({ inboxId: `in${this.nextInbox++}`, receivedAt: this.now(), ...message }));
    for (const message of full) this.pending.set(message.inboxId, message);
    this.emit('messages.received', full);
    return full;
  }

  /** Someone's profile arrived in main: the renderer hears of it. */
  shareProfile(profile: Omit<ProfileView, 'updatedAt'>): ProfileView {
    const full: ProfileView = { ...profile, updatedAt: this.now() };
    this.profiles.set(full.username, full);
    this.emit('profiles.changed', full);
    return full;
  }

  /** A parley:// link arrived in main (already parsed): it waits for links.takeDeepLinks, and the renderer hears of it. */
  receiveDeepLink(received: ReceivedDeepLink): void {
    this.deepLinks.push(received);
    this.emit('links.deepLinkReceived', {});
  }

  /** The updater moved on (checking, downloading, ready, failed): main tells the renderer. */
  setUpdateStatus(status: UpdateStatus): void {
    this.updates = { ...this.updates, channel: this.settings.updateChannel, status };
    this.emit('updates.changed', this.updates);
  }

  /** Like deliver(), but only into `pending` (as if it arrived while the renderer was not running). */
  park(message: Unnumbered): ReceivedMessage {
    const full: ReceivedMessage = { inboxId: `in${this.nextInbox++}`, receivedAt: this.now(), ...message };
    this.pending.set(full.inboxId, full);
    return full;
  }

  /**
   * As main does for a change this device made: the history entry waits in `pending` (durable there) and arrives
   * as a group_update from this user, before the request answers; then groups.changed.
   */
  private recordOwnChange(group: GroupView, update: GroupUpdate): void {
    const account = this.requireAccount();
    this.deliver({
      conversationId: `group:${group.groupId}`,
      messageId: `own${this.nextInbox}`,
      sender: { user: account.username, device: account.device },
      sentAt: this.now(),
      content: { kind: 'group_update', update },
    });
    this.emit('groups.changed', { group, update });
  }

  private confirmLater(request: SendRequest, upTo: 'delivered' | 'read'): void {
    const peer = request.conversationId.startsWith('dm:') ? request.conversationId.slice(3) : [...(this.groups.get(request.conversationId.slice(6))?.members ?? [])].find((member) => member !== this.account?.username);
    if (!peer) return;
    const receipt = (kind: 'delivered' | 'read') =>
      this.deliver({
        conversationId: request.conversationId,
        messageId: `rcpt${this.nextInbox}`,
        sender: { user: peer, device: 1 },
        sentAt: this.now(),
        content: { kind: 'receipt', receipt: kind, messageIds: [request.messageId] },
      });
    setTimeout(() => receipt('delivered'), 150);
    if (upTo === 'read') setTimeout(() => receipt('read'), 300);
  }

  private takeFailure(channel: string): IpcErrorBody | null {
    const list = this.failures.get(channel as InvokeChannel);
    const first = list?.[0];
    if (!list || !first) return null;
    first.times -= 1;
    if (first.times <= 0) list.shift();
    return first.error;
  }

  /** The waiting new device is linked to `username`'s account (as the primary's link would do it). */
  finishLinking(username: string): void {
    this.account = { ...fakeAccount(username), device: 2 };
    this.linkingName = null;
    this.emit('devices.linking', { state: 'linked' });
  }

  /** New device: the primary's history arrives, ready to import (its files are known to main as `attachments`). */
  offerHistory(history: { conversations: HistoryConversation[]; messages: HistoryMessage[]; attachments?: AttachmentView[] }): void {
    this.historyToImport = { attachments: [], ...history };
    for (const attachment of this.historyToImport.attachments) this.attachments.set(attachment.id, attachment);
    this.setHistoryImport({ state: 'ready', conversations: history.conversations.length, messages: history.messages.length });
  }

  setHistoryImport(view: HistoryImportView): void {
    this.historyImport = view;
    this.emit('history.importChanged', view);
  }

  private deviceList(): DeviceView[] {
    const account = this.requireAccount();
    return (this.devices ??= [{ device: account.device, name: null, linkedAt: this.now(), lastSeenAt: null, primary: true, current: true }]);
  }

  private requireAccount(): AccountView {
    if (!this.account) throw new AppError('no_account', { id: 'account.none' });
    return this.account;
  }

  private attachment(id: string): AttachmentView {
    const view = this.attachments.get(id);
    if (!view) throw new AppError('unknown_attachment', { id: 'attachment.unknown' });
    return view;
  }

  private group(groupId: string): GroupView {
    const group = this.groups.get(groupId);
    if (!group) throw new AppError('unknown_group', { id: 'group.unknown' });
    return group;
  }

  private log<C extends InvokeChannel>(channel: C, request: ParsedRequestOf<C>): void {
    this.calls.push({ channel, request });
  }

  private handlers(): IpcHandlers {
    const contactOf = (username: string) => {
      const contact = this.contacts.get(username.toLowerCase());
      if (!contact) throw new AppError('not_a_contact', { id: 'contacts.not_contact', params: { user: username } });
      return contact;
    };
    const changeGroup = (groupId: string, change: (group: GroupView) => GroupView, update: (me: string) => GroupUpdate) => {
      const updated = change(this.group(groupId));
      this.groups.set(groupId, updated);
      this.recordOwnChange(updated, update(this.requireAccount().username));
      return updated;
    };
    return {
      'app.info': async (request) => (this.log('app.info', request), this.info),
      'app.setUnreadCount': async (request) => {
        this.log('app.setUnreadCount', request);
        this.unreadCount = request.count;
        return {};
      },
      'app.showWindow': async (request) => {
        this.log('app.showWindow', request);
        this.windowShown += 1;
        return {};
      },
      'account.get': async (request) => (this.log('account.get', request), this.account),
      'account.create': async (request) => {
        this.log('account.create', request);
        if (!this.relayReachable) throw new AppError('relay_unreachable', { id: 'account.unreachable' }, true);
        const username = request.username.toLowerCase();
        if (this.users.has(username)) throw new AppError('username_taken', { id: 'account.username_taken', params: { user: request.username } });
        this.account = { ...fakeAccount(username), relayUrls: [request.relayUrl, ...(request.fallbackRelayUrls ?? [])] };
        this.users.add(username);
        return this.account;
      },
      'account.setRelayUrls': async (request) => {
        this.log('account.setRelayUrls', request);
        const account = this.requireAccount();
        if (!this.relayReachable) throw new AppError('relay_unreachable', { id: 'account.unreachable' }, true);
        this.account = { ...account, relayUrls: request.relayUrls };
        // Main's transport starts again from the first relay of the list.
        this.connection = { ...this.connection, relayUrl: request.relayUrls[0] };
        this.emit('connection.changed', this.connection);
        return this.account;
      },
      // Linked devices: codes are `parley-link:1:fake:<name>`; a test links the waiting device with finishLinking.
      'devices.startLinking': async (request) => {
        this.log('devices.startLinking', request);
        if (!this.relayReachable) throw new AppError('relay_unreachable', { id: 'linking.unreachable' }, true);
        this.linkingName = request.name;
        return { state: 'waiting', code: fakeLinkCode(request.name), expiresAt: this.now() + 180_000 };
      },
      'devices.cancelLinking': async (request) => {
        this.log('devices.cancelLinking', request);
        this.linkingName = null;
        return {};
      },
      'devices.previewLink': async (request) => {
        this.log('devices.previewLink', request);
        return { name: fakeLinkCodeName(request.code) };
      },
      'devices.link': async (request) => {
        this.log('devices.link', request);
        const devices = this.deviceList();
        if (!devices.find((device) => device.current)?.primary) throw new AppError('not_primary', { id: 'devices.not_primary' });
        const device = { device: Math.max(...devices.map((d) => d.device)) + 1, name: fakeLinkCodeName(request.code), linkedAt: this.now(), lastSeenAt: null, primary: false, current: false };
        devices.push(device);
        if (request.history !== undefined) {
          const gathered = this.historyExports.get(request.history);
          if (!gathered) throw new AppError('unknown_export', { id: 'history.export_gone' });
          this.historySent.set(device.device, gathered);
        }
        return device;
      },
      'devices.list': async (request) => (this.log('devices.list', request), this.deviceList()),
      'devices.remove': async (request) => {
        this.log('devices.remove', request);
        this.devices = this.deviceList().filter((device) => device.device !== request.device);
        return {};
      },
      'connection.get': async (request) => (this.log('connection.get', request), this.connection),
      'connection.retry': async (request) => {
        this.log('connection.retry', request);
        this.setConnection('connecting');
        return this.connection;
      },
      'contacts.add': async (request) => {
        this.log('contacts.add', request);
        const me = this.requireAccount();
        const username = request.username.toLowerCase();
        if (username === me.username) throw new AppError('cannot_add_self', { id: 'contacts.self' });
        if (!this.users.has(username)) throw new AppError('unknown_user', { id: 'user.unknown', params: { who: 'named', user: request.username } });
        const contact = this.contacts.get(username) ?? fakeContact(username, { addedAt: this.now() });
        this.contacts.set(username, contact);
        return contact;
      },
      'contacts.list': async (request) => (this.log('contacts.list', request), [...this.contacts.values()]),
      'profiles.list': async (request) => (this.log('profiles.list', request), { own: this.ownProfile, others: [...this.profiles.values()] }),
      'profiles.setOwn': async (request) => {
        this.log('profiles.setOwn', request);
        this.ownProfile = { username: this.requireAccount().username, name: request.name, avatar: request.avatar, updatedAt: this.now() };
        return this.ownProfile;
      },
      'contacts.safetyNumber': async (request) => {
        this.log('contacts.safetyNumber', request);
        const contact = contactOf(request.username);
        return { username: contact.username, safetyNumber: fakeSafetyNumber(this.requireAccount().username, contact.username), verified: contact.verified };
      },
      'contacts.setVerified': async (request) => {
        this.log('contacts.setVerified', request);
        const contact = { ...contactOf(request.username), verified: request.verified };
        this.contacts.set(contact.username, contact);
        this.emit('contacts.changed', contact);
        return contact;
      },
      'contacts.acceptIdentity': async (request) => {
        this.log('contacts.acceptIdentity', request);
        const contact = { ...contactOf(request.username), identityChanged: false, verified: false };
        this.contacts.set(contact.username, contact);
        this.emit('contacts.changed', contact);
        return contact;
      },
      'contacts.setBlocked': async (request) => {
        this.log('contacts.setBlocked', request);
        const contact = { ...contactOf(request.username), blocked: request.blocked };
        this.contacts.set(contact.username, contact);
        this.emit('contacts.changed', contact);
        return contact;
      },
      'messages.send': async (request) => {
        this.log('messages.send', request);
        this.requireAccount();
        if (this.connection.state !== 'online') throw new AppError('offline', { id: 'offline.will_send' }, true);
        if (this.held) await new Promise<void>((resolve) => this.held?.push(resolve) ?? resolve());
        const textFailure = request.content.kind === 'text' ? this.textFailures.shift() : undefined;
        if (textFailure) throw new GivenFailure(textFailure);
        this.sent.push(request);
        if (this.autoReceipt && request.content.kind === 'text') this.confirmLater(request, this.autoReceipt);
        return { messageId: request.messageId, sentAt: this.now() };
      },
      'messages.pending': async (request) => (this.log('messages.pending', request), [...this.pending.values()]),
      'messages.commit': async (request) => {
        this.log('messages.commit', request);
        for (const inboxId of request.inboxIds) {
          this.pending.delete(inboxId);
          this.committed.push(inboxId);
        }
        return {};
      },
      // One fixed key: a test that reopens a database with a new fake reads what the old one wrote.
      'history.key': async (request) => (this.log('history.key', request), { key: FAKE_HISTORY_KEY }),
      'history.startExport': async (request) => {
        this.log('history.startExport', request);
        const exportId = `export-${String(this.historyExports.size + 1).padStart(15, '0')}`;
        this.historyExports.set(exportId, { since: request.since, conversations: [], messages: [] });
        return { exportId };
      },
      'history.addToExport': async (request) => {
        this.log('history.addToExport', request);
        const gathered = this.historyExports.get(request.exportId);
        if (!gathered) throw new AppError('unknown_export', { id: 'history.export_gone' });
        gathered.conversations.push(...request.conversations);
        gathered.messages.push(...request.messages);
        return {};
      },
      'history.importState': async (request) => (this.log('history.importState', request), this.historyImport),
      'history.importBatch': async (request) => {
        this.log('history.importBatch', request);
        const history = this.historyToImport;
        if (!history) throw new AppError('no_history', { id: 'history.none' });
        const messages = history.messages.slice(request.offset, request.offset + request.limit);
        const named = new Set(messages.flatMap((message) => message.attachments ?? []));
        return {
          conversations: request.offset === 0 ? history.conversations : [],
          messages,
          attachments: history.attachments.filter((attachment) => named.has(attachment.id)),
        };
      },
      'history.finishImport': async (request) => {
        this.log('history.finishImport', request);
        this.historyToImport = null;
        this.setHistoryImport({ state: 'none' });
        return {};
      },
      'media.get': async (request) => (this.log('media.get', request), this.attachment(request.id)),
      'media.download': async (request) => {
        this.log('media.download', request);
        const view = this.attachment(request.id);
        if (view.direction === 'incoming' && view.state !== 'downloaded') this.putAttachment({ ...view, state: 'downloaded', transferred: view.total });
        return this.attachment(request.id);
      },
      'media.pause': async (request) => {
        this.log('media.pause', request);
        const view = this.attachment(request.id);
        if (view.state === 'uploading' || view.state === 'downloading') this.putAttachment({ ...view, state: 'paused' });
        return this.attachment(request.id);
      },
      'media.resume': async (request) => {
        this.log('media.resume', request);
        const view = this.attachment(request.id);
        if (view.state === 'paused') this.putAttachment({ ...view, state: view.direction === 'outgoing' ? 'uploading' : 'downloading' });
        return this.attachment(request.id);
      },
      'media.cancel': async (request) => {
        this.log('media.cancel', request);
        const view = this.attachment(request.id);
        const cancelled: AttachmentView =
          view.direction === 'incoming' ? { ...view, state: 'pending', transferred: 0 } : { ...view, state: 'failed', error: { code: 'cancelled' } };
        this.putAttachment(cancelled);
        return cancelled;
      },
      'media.forward': async (request) => {
        this.log('media.forward', request);
        return request.ids.map((id) => {
          const view = this.attachment(id);
          const copy: AttachmentView = { ...view, id: `fwd${view.id.slice(3)}`.slice(0, view.id.length) };
          this.putAttachment(copy);
          return copy;
        });
      },
      'media.open': async (request) => {
        this.log('media.open', request);
        const view = this.attachment(request.id);
        return { outcome: view.executable ? 'shown' : 'opened' };
      },
      'media.forgetMessages': async (request) => {
        this.log('media.forgetMessages', request);
        // As main does: a message's own files, and of the ids it names those of no message yet.
        const named = (view: AttachmentView) =>
          request.messages.some(
            (m) =>
              (m.conversationId === view.message?.conversationId && m.messageId === view.message.messageId && m.sender === view.message.sender) ||
              (view.message === undefined && (m.files ?? []).includes(view.id)),
          );
        for (const view of [...this.attachments.values()]) if (named(view)) this.attachments.delete(view.id);
        return {};
      },
      'media.sweepList': async (request) => {
        this.log('media.sweepList', request);
        const listed = [...this.attachments.values()].filter((view) => this.startedWith.has(view.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
        const files = listed.slice(request.offset, request.offset + request.limit).map((view) => ({ id: view.id, message: view.message ?? null }));
        return { files, more: request.offset + files.length < listed.length };
      },
      'media.sweep': async (request) => {
        this.log('media.sweep', request);
        for (const id of request.ids) if (this.startedWith.has(id)) this.attachments.delete(id);
        return {};
      },
      'media.transfers': async (request) => {
        this.log('media.transfers', request);
        return [...this.attachments.values()].filter((view) => ['encrypting', 'uploading', 'downloading', 'paused'].includes(view.state));
      },
      'groups.list': async (request) => (this.log('groups.list', request), [...this.groups.values()]),
      'groups.create': async (request) => {
        this.log('groups.create', request);
        const me = this.requireAccount().username;
        for (const member of request.members) {
          if (!this.users.has(member.toLowerCase())) throw new AppError('unknown_user', { id: 'user.unknown', params: { who: 'named', user: member } });
        }
        const group: GroupView = {
          groupId: fakeGroupId(this.nextGroup++),
          name: request.name,
          members: [me, ...request.members.map((member) => member.toLowerCase())],
          admins: [me],
          createdBy: me,
          active: true,
          approveNewMembers: false,
        };
        this.groups.set(group.groupId, group);
        this.recordOwnChange(group, { kind: 'created', by: me, name: group.name, members: group.members });
        return group;
      },
      'groups.rename': async (request) => (
        this.log('groups.rename', request),
        changeGroup(request.groupId, (group) => ({ ...group, name: request.name }), (me) => ({ kind: 'renamed', by: me, name: request.name }))
      ),
      'groups.addMembers': async (request) => {
        this.log('groups.addMembers', request);
        for (const member of request.members) {
          if (!this.users.has(member.toLowerCase())) throw new AppError('unknown_user', { id: 'user.unknown', params: { who: 'named', user: member } });
        }
        const added = request.members.map((member) => member.toLowerCase());
        return changeGroup(
          request.groupId,
          (group) => ({ ...group, members: [...new Set([...group.members, ...added])] }),
          (me) => ({ kind: 'members_added', by: me, members: added }),
        );
      },
      'groups.removeMember': async (request) => {
        this.log('groups.removeMember', request);
        return changeGroup(
          request.groupId,
          (group) => ({ ...group, members: group.members.filter((member) => member !== request.member) }),
          (me) => ({ kind: 'member_removed', by: me, member: request.member }),
        );
      },
      'groups.makeAdmin': async (request) => {
        this.log('groups.makeAdmin', request);
        return changeGroup(
          request.groupId,
          (group) => ({ ...group, admins: [...new Set([...group.admins, request.member])].sort() }),
          (me) => ({ kind: 'admin_added', by: me, member: request.member }),
        );
      },
      'groups.setApproval': async (request) => {
        this.log('groups.setApproval', request);
        return changeGroup(
          request.groupId,
          (group) => ({ ...group, approveNewMembers: request.approveNewMembers }),
          (me) => ({ kind: 'approval_changed', by: me, approveNewMembers: request.approveNewMembers }),
        );
      },
      'groups.leave': async (request) => {
        this.log('groups.leave', request);
        const me = this.requireAccount().username;
        return changeGroup(
          request.groupId,
          (group) => ({ ...group, members: group.members.filter((member) => member !== me), active: false }),
          () => ({ kind: 'member_left', by: me }),
        );
      },
      'groups.createInvite': async (request) => {
        this.log('groups.createInvite', request);
        this.group(request.groupId);
        const inviteId = `invite${String(this.invites.size + 1).padStart(16, '0')}`;
        const invite: InviteView = {
          inviteId,
          groupId: request.groupId,
          admin: this.requireAccount().username,
          link: `parley://join/${inviteId}${'A'.repeat(80)}`,
          expiresAt: this.now() + request.expiresInHours * 3_600_000,
          maxUses: request.maxUses,
          uses: 0,
          revoked: false,
          requests: [],
        };
        this.invites.set(inviteId, invite);
        return invite;
      },
      'groups.invites': async (request) => (
        this.log('groups.invites', request), [...this.invites.values()].filter((i) => i.groupId === request.groupId).reverse()
      ),
      'groups.revokeInvite': async (request) => {
        this.log('groups.revokeInvite', request);
        const invite = this.invites.get(request.inviteId);
        if (!invite) throw new AppError('invalid_request', { id: 'invite.unknown' });
        const revoked = { ...invite, revoked: true, requests: [] };
        this.invites.set(invite.inviteId, revoked);
        return revoked;
      },
      'groups.answerJoinRequest': async (request) => {
        this.log('groups.answerJoinRequest', request);
        const invite = this.invites.get(request.inviteId);
        if (!invite) throw new AppError('invalid_request', { id: 'invite.unknown' });
        const answered = { ...invite, requests: invite.requests.filter((u) => u !== request.user), uses: invite.uses + (request.approve ? 1 : 0) };
        this.invites.set(invite.inviteId, answered);
        return answered;
      },
      'groups.previewInvite': async (request) => {
        this.log('groups.previewInvite', request);
        const preview = this.invitePreviews.get(request.token);
        if (!preview) throw new AppError('bad_invite', { id: 'invite.invalid' }, false, 'not a token');
        return preview;
      },
      'groups.join': async (request) => (this.log('groups.join', request), {}),
      'groups.pendingJoins': async (request) => (this.log('groups.pendingJoins', request), [...this.pendingJoins]),
      'links.open': async (request) => {
        this.log('links.open', request);
        if (!/^(https?:|mailto:)/i.test(request.url)) throw new AppError('unsafe_link', { id: 'link.unsafe' });
        this.openedLinks.push(request.url);
        return {};
      },
      'links.takeDeepLinks': async (request) => (this.log('links.takeDeepLinks', request), this.deepLinks.splice(0)),
      'settings.get': async (request) => (this.log('settings.get', request), this.settings),
      'settings.update': async (request) => {
        this.log('settings.update', request);
        this.settings = { ...this.settings, ...Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined)) };
        this.emit('settings.changed', this.settings);
        return this.settings;
      },
      'updates.get': async (request) => (this.log('updates.get', request), { ...this.updates, channel: this.settings.updateChannel }),
      'updates.check': async (request) => (this.log('updates.check', request), { ...this.updates, channel: this.settings.updateChannel }),
      'updates.restart': async (request) => {
        this.log('updates.restart', request);
        if (this.updates.status.state !== 'ready') throw new AppError('update_not_ready', { id: 'update.not_ready' });
        this.restarts += 1;
        return {};
      },
    };
  }
}
