// Users for the end-to-end messaging tests: a real core per user (its own data folder), driven only through its
// IPC dispatcher as the renderer drives it, and a small stand-in for the renderer's receive pipeline that stores
// what arrives (deduplicating like Dexie does), then commits it — or not, to simulate a crash before commit.
import { mkdtempSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCoreConfig } from '../../src/main/core/config';
import { createCore, type Core } from '../../src/main/core/createCore';
import { FileSecretStore } from '../../src/main/core/secrets';
import { silentLogger, type Logger } from '../../src/main/core/transport';
import type {
  LinkingView,
  ConnectionSnapshot,
  ContactView,
  GroupChanged,
  JoinAnswered,
  InvokeChannel,
  IpcErrorBody,
  ReceivedMessage,
  RequestOf,
  ResponseOf,
} from '../../src/shared/ipc';
import type { ClientFrame, SendFrame, ServerFrame } from '../../src/shared/protocol';
import { SQLITE_FILE_NAME } from '../../src/server/store/sqlite/sqlite-store';
import { startWsTapProxy, type WsTapProxy } from '../support/ws-tap-proxy';
import { uniqueName, waitFor } from './support';

const trusted = { trusted: true };

export class IpcCallError extends Error {
  constructor(readonly body: IpcErrorBody) {
    super(`${body.code}: ${body.message}`);
  }
}

export interface UserOptions {
  /** Commit what arrives (like the renderer); false leaves everything uncommitted (a renderer that died). */
  autoCommit?: boolean;
  logger?: Logger;
  /** The core's messaging clock (e.g. to let an invite link expire); Date.now by default. */
  now?: () => number;
}

export class TestUser {
  core!: Core;
  /** Every message of every messages.received event, in order. */
  readonly received: ReceivedMessage[] = [];
  /** Every messages.received event as it came: the messages of one core receive batch. */
  readonly receivedEvents: ReceivedMessage[][] = [];
  /** Stored messages keyed like the renderer's dedup: conversation + message id + sender. */
  readonly stored = new Map<string, ReceivedMessage>();
  duplicates = 0;
  readonly contactEvents: ContactView[] = [];
  readonly groupEvents: GroupChanged[] = [];
  readonly joinAnswers: JoinAnswered[] = [];
  readonly inviteEvents: string[] = [];
  readonly states: ConnectionSnapshot[] = [];
  /** Every devices.linking event (a device being linked: codes, then linked or failed). */
  readonly linkingEvents: LinkingView[] = [];
  /** contacts.deviceLinked: a contact's account gained a device. */
  readonly linkedDeviceEvents: { username: string; device: number }[] = [];
  autoCommit: boolean;
  private commitQueue: string[] = [];
  private commitTimer: ReturnType<typeof setTimeout> | undefined;
  private committing: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  private constructor(
    readonly username: string,
    readonly dataDir: string,
    private readonly relayUrl: string,
    private readonly options: UserOptions,
  ) {
    this.autoCommit = options.autoCommit ?? true;
  }

  /** A new account on the relay (named `username`, else a fresh name), online, with its prekeys published. */
  static async create(relayUrl: string, prefix: string, options: UserOptions = {}, username = uniqueName(prefix)): Promise<TestUser> {
    const user = new TestUser(username, mkdtempSync(join(tmpdir(), `parley-e2e-${prefix}-`)), relayUrl, options);
    await user.open();
    await user.call('account.create', { username: user.username, relayUrl });
    await user.takePending();
    await user.waitOnline();
    return user;
  }

  /** A device without an account yet (onboarding), on the relay at `relayUrl`. */
  static async blank(relayUrl: string, options: UserOptions = {}): Promise<TestUser> {
    const device = new TestUser('', mkdtempSync(join(tmpdir(), 'parley-e2e-blank-')), relayUrl, options);
    await device.open();
    return device;
  }

  /** A new device of `primary`'s account, linked through the relay with the code it shows, online. */
  /** A new device of `primary`'s account, linked through its code (with the history of export `history`, if given). */
  static async linked(relay: { url: string; dataDir: string }, primary: TestUser, name = 'Laptop', options: UserOptions = {}, history?: string): Promise<TestUser> {
    const relayUrl = relay.url;
    const device = new TestUser(primary.username, mkdtempSync(join(tmpdir(), 'parley-e2e-linked-')), relayUrl, options);
    await device.open();
    const shown = await device.call('devices.startLinking', { relayUrl, name });
    if (shown.state !== 'waiting') throw new Error(`expected a code, got ${shown.state}`);
    await primary.call('devices.link', { code: shown.code, ...(history === undefined ? {} : { history }) });
    await waitFor(() => device.linkingEvents.some((e) => e.state === 'linked'), 'the new device is linked');
    await device.takePending();
    await device.waitOnline();
    const { device: id } = await device.call('account.get', {}).then((account) => account ?? { device: 0 });
    await waitFor(() => hasSignedPrekey(relay.dataDir, primary.username, id), 'the new device published its prekeys');
    return device;
  }

  /** A user whose account file already exists in `dataDir` (written by the test). */
  static async existing(relayUrl: string, username: string, dataDir: string, options: UserOptions = {}): Promise<TestUser> {
    const user = new TestUser(username, dataDir, relayUrl, options);
    await user.open();
    await user.waitOnline();
    return user;
  }

  async open(): Promise<void> {
    const config = loadCoreConfig(
      { PARLEY_RELAY_URL: this.relayUrl, PARLEY_BACKOFF_BASE_MS: '20', PARLEY_BACKOFF_CAP_MS: '200', PARLEY_REQUEST_TIMEOUT_MS: '5000' },
      this.dataDir,
    );
    this.core = await createCore({
      shell: 'browser',
      config,
      secrets: await FileSecretStore.open(this.dataDir),
      links: { open: async () => undefined },
      logger: this.options.logger ?? silentLogger,
      now: this.options.now,
    });
    this.unsubscribe = this.core.events.subscribe((event, payload) => {
      if (event === 'messages.received') {
        this.receivedEvents.push(payload as ReceivedMessage[]);
        for (const message of payload as ReceivedMessage[]) this.take(message);
      }
      else if (event === 'contacts.changed') this.contactEvents.push(payload as ContactView);
      else if (event === 'groups.changed') this.groupEvents.push(payload as GroupChanged);
      else if (event === 'groups.joinAnswered') this.joinAnswers.push(payload as JoinAnswered);
      else if (event === 'groups.invitesChanged') this.inviteEvents.push((payload as { groupId: string }).groupId);
      else if (event === 'connection.changed') this.states.push(payload as ConnectionSnapshot);
      else if (event === 'devices.linking') this.linkingEvents.push(payload as LinkingView);
      else if (event === 'contacts.deviceLinked') {
        const { username, device } = payload as { username: string; device: number };
        this.linkedDeviceEvents.push({ username, device });
      }
    });
    if (await this.call('account.get', {})) await this.takePending();
  }

  /**
   * What the renderer does when a signed-in session starts: takes what main holds. Main sends messages.received only
   * once it has been asked (src/main/core/messaging/ReceivedHandOver.ts).
   */
  async takePending(): Promise<void> {
    for (const message of await this.call('messages.pending', {})) this.take(message, true);
  }

  /** Closes the core as a quit (or crash) would; nothing uncommitted is committed first. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitQueue = [];
    await this.committing;
    await this.core.close();
  }

  /**
   * Close and open again on the same data folder; the renderer part drains messages.pending first (open): what it
   * stored before the restart but had not committed comes back there, stored once, committed now.
   */
  async restart(): Promise<void> {
    await this.close();
    await this.open();
    await this.waitOnline();
  }

  async call<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const result = await this.core.dispatch(channel, request, trusted);
    if (!result.ok) throw new IpcCallError(result.error);
    return result.value as ResponseOf<C>;
  }

  /** The error body of a call expected to fail. */
  async failure<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<IpcErrorBody> {
    const result = await this.core.dispatch(channel, request, trusted);
    if (result.ok) throw new Error(`${channel} succeeded, expected a failure`);
    return result.error;
  }

  /** Retries while the failure is retryable (what the renderer's outbox does), with the same request. */
  async callRetrying<C extends InvokeChannel>(channel: C, request: RequestOf<C>, timeoutMs = 20_000): Promise<ResponseOf<C>> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const result = await this.core.dispatch(channel, request, trusted);
      if (result.ok) return result.value as ResponseOf<C>;
      if (!result.error.retryable || Date.now() > deadline) throw new IpcCallError(result.error);
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, 10 * 2 ** Math.min(attempt, 5))));
    }
  }

  waitOnline(timeoutMs = 15_000): Promise<unknown> {
    return waitFor(() => this.core.client.connection().state === 'online', `${this.username} online`, timeoutMs);
  }

  /** Messages stored in one conversation, in arrival order, without typing notices. */
  conversation(conversationId: string): ReceivedMessage[] {
    return [...this.stored.values()].filter((m) => m.conversationId === conversationId);
  }

  texts(conversationId: string): string[] {
    return this.conversation(conversationId).flatMap((m) => (m.content.kind === 'text' ? [m.content.body] : []));
  }

  /** Commits everything stored so far (a renderer catching up). */
  async commitAll(): Promise<void> {
    this.flushCommits();
    await this.committing;
  }

  /** `duplicates` counts the same message emitted twice by the core; pending re-offers are expected. */
  private take(message: ReceivedMessage, fromPending = false): void {
    if (!fromPending) this.received.push(message);
    if (message.content.kind !== 'typing') {
      const key = `${message.conversationId}/${message.messageId}/${message.sender.user}`;
      if (!this.stored.has(key)) this.stored.set(key, message);
      else if (!fromPending) this.duplicates++;
    }
    if (!this.autoCommit) return;
    this.commitQueue.push(message.inboxId);
    if (this.commitQueue.length >= 50) this.flushCommits();
    else this.commitTimer ??= setTimeout(() => this.flushCommits(), 5);
  }

  private flushCommits(): void {
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const ids = this.commitQueue.splice(0, 1000);
    if (ids.length === 0) return;
    this.committing = this.committing.then(async () => {
      const result = await this.core.dispatch('messages.commit', { inboxIds: ids }, trusted);
      if (!result.ok) throw new IpcCallError(result.error);
    });
  }
}

/** Adds `other` as a contact of `user`, retrying while the other side has not published its prekeys yet. */
export async function addContact(user: TestUser, other: TestUser): Promise<ContactView> {
  return user.callRetrying('contacts.add', { username: other.username });
}

export const dm = (user: TestUser) => `dm:${user.username}`;

/** Deliveries the relay still holds for a user's devices (not acked), read from its SQLite file. */
export function mailboxPending(relayDataDir: string, username: string): number {
  const db = new Database(join(relayDataDir, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const row = db
      .prepare('SELECT count(*) AS pending FROM devices d JOIN deliveries x ON x.device_id = d.id WHERE d.username = ?')
      .get(username.toLowerCase()) as { pending: number };
    return row.pending;
  } finally {
    db.close();
  }
}

/** Whether the relay serves a signed prekey for this device (it has finished its first publish). */
export function hasSignedPrekey(relayDataDir: string, username: string, device: number): boolean {
  const db = new Database(join(relayDataDir, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const row = db
      .prepare('SELECT COUNT(*) AS n FROM signed_prekeys s JOIN devices d ON d.id = s.device_id WHERE d.username = ? AND d.device = ?')
      .get(username.toLowerCase(), device) as { n: number };
    return row.n > 0;
  } finally {
    db.close();
  }
}

/** Sends `count` texts one after another (one in flight, like the outbox), retrying retryable failures. */
export async function sendTexts(from: TestUser, conversationId: string, count: number, prefix: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    await from.callRetrying('messages.send', { conversationId, messageId: `${prefix}-${i}`, content: { kind: 'text', body: `${prefix} message ${i}` } }, 60_000);
  }
}

/** A user whose connection runs through its own frame-aware proxy, which records every frame it sends the relay. */
export interface TappedUser {
  user: TestUser;
  proxy: WsTapProxy;
  /** Every frame this user's core sent the relay, decoded. */
  sent: ClientFrame[];
}

export async function tappedUser(relayPort: number, prefix: string, options: UserOptions = {}): Promise<TappedUser> {
  const sent: ClientFrame[] = [];
  const proxy = await startWsTapProxy({ port: relayPort }, { onClientFrame: (frame) => frame && sent.push(frame) });
  const user = await TestUser.create(proxy.url, prefix, options);
  return { user, proxy, sent };
}

/** The `send` frames among captured frames. */
export function sendFrames(frames: readonly ClientFrame[]): SendFrame[] {
  return frames.filter((f): f is SendFrame => f.type === 'send');
}

/**
 * A `deliver` frame as a misbehaving relay might push it, for injecting through a proxy. Numbered 0 (as an
 * ephemeral delivery is): the client takes it whatever it has seen and never acks it.
 */
export function deliverFrame(from: { user: string; device: number }, messageId: string, payload: Uint8Array): ServerFrame {
  return { type: 'deliver', deliveries: [{ seq: 0, messageId, from, payload, sentAt: Date.now() }] };
}
