// The client's connection to its relay: explicit states, reconnect forever with backoff, heartbeat, correlated
// requests and acked deliveries. It never queues sends while offline (the outbox owns that) and never acks a
// delivery before the consumer has stored it.
import {
  Address as AddressSchema,
  MAX_FRAME_BYTES,
  MAX_RECIPIENTS_PER_SEND,
  MessageId,
  addressKey,
  sendFrameSize,
  type Address,
} from '../../../shared/protocol';
import { toBase64 } from '../../../shared/encoding/base64';
import { systemClock, type Clock, type TimerHandle } from './clock';
import { resolveTransportConfig, type TransportConfig } from './config';
import { Connection, offlineError } from './Connection';
import { ConnectionError, TransportError } from './errors';
import { TypedEvents } from './events';
import { idHint, stderrLogger, type Logger } from './logger';
import { fetchableUser, publishFields } from './prekeys';
import { ReconnectPolicy } from './ReconnectPolicy';
import { relayWebSocketUrl } from './relayUrl';
import { wsSocketFactory, type RelaySocketFactory } from './socket';
import type {
  AccountDevices,
  BlobToken,
  ConnectionSnapshot,
  DeviceLinkRequest,
  Delivery,
  DeviceCredentials,
  PrekeyBundles,
  PrekeyCount,
  PrekeysPublished,
  PrekeyUpload,
  SendOptions,
  SendResult,
} from './types';

export interface TransportOptions {
  /**
   * The relay address (ws://, wss://, http:// or https://; a bare origin gets the protocol's path, /v2/ws), or several
   * relays that share one store (docs/operations.md, "Several relays on one Redis"): when a connection to one ends
   * or cannot be made, the next attempt, after the same backoff, goes to the next.
   */
  relayUrl: string | readonly string[];
  credentials: DeviceCredentials;
  config?: Partial<TransportConfig>;
  clock?: Clock;
  /** Random source in [0, 1) for the backoff jitter. */
  random?: () => number;
  socketFactory?: RelaySocketFactory;
  logger?: Logger;
}

export type TransportEvents = {
  /** Every change of the connection snapshot. */
  state: (snapshot: ConnectionSnapshot) => void;
  /** An envelope from the relay; redeliveries after a reconnect are emitted again (dedup by messageId). */
  delivery: (delivery: Delivery) => void;
  /** Everything pending in the mailbox at connect time has been delivered. */
  drained: () => void;
  /**
   * A fetch left this device fewer one-time prekeys on the relay than the relay's threshold: publish more. Only
   * sent while online; after each `online` a device should countPrekeys() itself.
   */
  prekeysLow: (oneTimePreKeys: number) => void;
};

export class Transport {
  readonly config: TransportConfig;
  private readonly events: TypedEvents<TransportEvents>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly socketFactory: RelaySocketFactory;
  private readonly policy: ReconnectPolicy;
  private urls: readonly string[];
  /** Which of `urls` the current (or next) connection goes to. */
  private urlIndex = 0;
  private connection: Connection | undefined;
  private retryTimer: TimerHandle | undefined;
  private current: ConnectionSnapshot;

  constructor(private readonly options: TransportOptions) {
    this.config = resolveTransportConfig(options.config);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? stderrLogger;
    this.socketFactory = options.socketFactory ?? wsSocketFactory;
    this.events = new TypedEvents<TransportEvents>(this.logger);
    this.policy = new ReconnectPolicy({
      baseDelayMs: this.config.backoffBaseMs,
      maxDelayMs: this.config.backoffCapMs,
      random: options.random,
    });
    this.urls = relayWebSocketUrls(options.relayUrl);
    this.current = { state: 'offline', attempt: 0, nextRetryAt: null, lastError: null, relayUrl: this.relayUrl };
  }

  get snapshot(): ConnectionSnapshot {
    return this.current;
  }

  /** The relay the current (or next) connection goes to. */
  get relayUrl(): string {
    return this.urls[this.urlIndex]!;
  }

  on<K extends keyof TransportEvents>(event: K, listener: TransportEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  /** Starts connecting (from `offline`); a no-op otherwise. */
  start(): void {
    if (this.current.state !== 'offline') return;
    this.policy.reset();
    this.update({ attempt: 0 });
    this.connect();
  }

  /** Closes the connection and stays `offline` until start() or retryNow(). In-flight sends fail retryably. */
  stop(): void {
    this.cancelRetry();
    const connection = this.connection;
    this.connection = undefined;
    connection?.close(new ConnectionError('connection_closed', { id: 'connection.disconnected' }));
    this.update({ state: 'offline', nextRetryAt: null });
  }

  /**
   * Connects now: skips the backoff wait while `reconnecting`, or starts again from `offline` — including after a
   * fatal error, since the user asked. A no-op while connecting or online.
   */
  retryNow(): void {
    const state = this.current.state;
    if (state !== 'reconnecting' && state !== 'offline') return;
    this.cancelRetry();
    this.connect();
  }

  /**
   * The OS reports the network is back (or changed): retry at once if waiting to reconnect, and check that an online
   * connection is still alive. Unlike retryNow(), it never revives a transport that stopped on a fatal error.
   */
  networkChanged(): void {
    if (this.current.state === 'reconnecting') this.retryNow();
    else if (this.current.state === 'online') this.connection?.probe();
  }

  /** Points the transport at other relay addresses (the first one first); used from the next connection attempt on. */
  setRelayUrl(relayUrl: string | readonly string[]): void {
    this.urls = relayWebSocketUrls(relayUrl);
    this.urlIndex = 0;
    this.update({});
  }

  /**
   * Stores `payload` in each recipient's mailbox. Resolves once the relay confirms it is durable. Rejects with a
   * TransportError: retryable (offline, connection_lost, request_timeout, rate_limited, mailbox_full, internal) or
   * not (invalid_request, frame_too_large, payload_too_large, unknown_recipient, ...). Resending the same messageId
   * is safe: the relay stores it once and answers `duplicate: true`. An ephemeral send is never stored: it reaches
   * the recipients online now, and resolves once the relay has handed it on.
   */
  send(messageId: string, recipients: readonly Address[], payload: Uint8Array, options: SendOptions = {}): Promise<SendResult> {
    try {
      validateSend(messageId, recipients, payload, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const connection = this.connection;
    if (this.current.state !== 'online' || !connection) return Promise.reject(offlineError());
    return connection.send(messageId, [...recipients], payload, options.ephemeral ?? false, options.known && [...options.known]);
  }

  /**
   * Publishes this device's prekeys: a new signed prekey (replacing the relay's) and/or up to 100 one-time prekeys.
   * Resolves once the relay has stored them durably, with how many one-time prekeys it now holds. Rejects with a
   * TransportError like send(): retryable when offline, on connection_lost, request_timeout or internal (publishing
   * the same keys again is harmless); not for invalid_request, bad_prekey_signature or too_many_prekeys.
   */
  publishPrekeys(upload: PrekeyUpload): Promise<PrekeysPublished> {
    let fields: ReturnType<typeof publishFields>;
    try {
      fields = publishFields(upload);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.request((connection) =>
      connection.request<PrekeysPublished>('publish_prekeys', (rid) => ({ type: 'publish_prekeys', rid, ...fields })),
    );
  }

  /**
   * Fetches a prekey bundle for every device of `user` (never this device), taking one one-time prekey of each.
   * Verify every bundle before use. Rejects with unknown_user or invalid_request (not retryable), no_prekeys or
   * rate_limited (retryable, the latter with retryAfterMs), or the connection failures send() has.
   */
  fetchPrekeys(user: string): Promise<PrekeyBundles> {
    let normalized: string;
    try {
      normalized = fetchableUser(user);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.request((connection) =>
      connection.request<PrekeyBundles>('fetch_prekeys', (rid) => ({ type: 'fetch_prekeys', rid, user: normalized }), normalized),
    );
  }

  /** How many one-time prekeys the relay holds for this device, and which signed prekey it serves. */
  /** A new blob id and a token to upload exactly `size` bytes; `blob_too_large` or `quota_exceeded` otherwise. */
  blobUploadToken(size: number): Promise<BlobToken> {
    return this.request((connection) => connection.request<BlobToken>('blob_token', (rid) => ({ type: 'blob_upload', rid, size })));
  }

  /** A fresh upload token for an unfinished upload of this device. */
  blobResumeToken(blob: string): Promise<BlobToken> {
    return this.request((connection) => connection.request<BlobToken>('blob_token', (rid) => ({ type: 'blob_resume', rid, blob })));
  }

  /** A download token for a blob this device uploaded or was granted; `blob_not_found` otherwise. */
  blobDownloadToken(blob: string): Promise<BlobToken> {
    return this.request((connection) => connection.request<BlobToken>('blob_token', (rid) => ({ type: 'blob_download', rid, blob })));
  }

  /** Lets these devices download a blob this device uploaded. */
  async grantBlob(blob: string, to: readonly Address[]): Promise<void> {
    await this.request((connection) => connection.request<void>('blob_grant', (rid) => ({ type: 'blob_grant', rid, blob, to: [...to] })));
  }

  /** Links the device waiting at the request's provisioning address (primary only); resolves with its device id. */
  linkDevice(request: DeviceLinkRequest): Promise<number> {
    return this.request((connection) =>
      connection.request<number>('link_device', (rid) => ({
        type: 'link_device',
        rid,
        provisioningAddress: request.provisioningAddress,
        identityKey: toBase64(request.identityKey),
        certificate: toBase64(request.certificate),
        name: toBase64(request.name),
        body: toBase64(request.body),
        ...(request.historyBlob === undefined ? {} : { historyBlob: request.historyBlob }),
      })),
    );
  }

  /** Every device of `user`, with certificates; names and last-seen times only for this account. */
  listDevices(user: string): Promise<AccountDevices> {
    let normalized: string;
    try {
      normalized = fetchableUser(user);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.request((connection) =>
      connection.request<AccountDevices>('list_devices', (rid) => ({ type: 'list_devices', rid, user: normalized }), normalized),
    );
  }

  /** Removes a device of this account (the primary: any linked one; a linked device: itself). */
  async removeDevice(device: number): Promise<void> {
    await this.request((connection) => connection.request<void>('remove_device', (rid) => ({ type: 'remove_device', rid, device })));
  }

  countPrekeys(): Promise<PrekeyCount> {
    return this.request((connection) => connection.request<PrekeyCount>('count_prekeys', (rid) => ({ type: 'count_prekeys', rid })));
  }

  /** Runs a request on the live connection, or fails retryably at once when there is none. */
  private request<T>(run: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = this.connection;
    if (this.current.state !== 'online' || !connection) return Promise.reject(offlineError());
    return run(connection);
  }

  private connect(): void {
    const connection = new Connection({
      url: this.relayUrl,
      credentials: this.options.credentials,
      config: this.config,
      clock: this.clock,
      socketFactory: this.socketFactory,
      logger: this.logger,
      callbacks: {
        onAuthenticating: () => this.ifCurrent(connection, () => this.update({ state: 'authenticating' })),
        onReady: () =>
          this.ifCurrent(connection, () => {
            this.policy.reset();
            this.logger.info('relay_online', { device: this.options.credentials.device });
            this.update({ state: 'online', attempt: 0, nextRetryAt: null, lastError: null });
          }),
        onDelivery: (delivery) => this.ifCurrent(connection, () => this.events.emit('delivery', delivery)),
        onDrained: () => this.ifCurrent(connection, () => this.events.emit('drained')),
        onPrekeysLow: (count) => this.ifCurrent(connection, () => this.events.emit('prekeysLow', count)),
        onEnd: (error) => this.ifCurrent(connection, () => this.connectionEnded(error)),
      },
    });
    this.connection = connection;
    this.update({ state: 'connecting', nextRetryAt: null });
    connection.open();
  }

  private connectionEnded(error: ConnectionError): void {
    this.connection = undefined;
    const lastError = { code: error.code, message: error.message, text: error.text, fatal: error.fatal, ...(error.detail === undefined ? {} : { detail: error.detail }) };
    if (error.fatal) {
      this.logger.warn('relay_connection_fatal', { code: error.code, closeCode: error.closeCode });
      this.update({ state: 'offline', nextRetryAt: null, lastError });
      return;
    }
    const delay = this.policy.nextDelay();
    const nextRetryAt = this.clock.now() + delay;
    this.logger.info('relay_connection_lost', { code: error.code, closeCode: error.closeCode, retryInMs: delay });
    if (this.urls.length > 1) {
      // This relay stopped answering (or refused us for now): the next attempt tries the next one.
      this.urlIndex = (this.urlIndex + 1) % this.urls.length;
      this.logger.info('relay_failover', { relay: this.urlIndex, relays: this.urls.length });
    }
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
    this.update({ state: 'reconnecting', attempt: this.policy.attempt, nextRetryAt, lastError });
  }

  private ifCurrent(connection: Connection, action: () => void): void {
    if (this.connection === connection) action();
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private update(change: Partial<ConnectionSnapshot>): void {
    const next = { ...this.current, ...change, relayUrl: this.relayUrl };
    const same = (Object.keys(next) as (keyof ConnectionSnapshot)[]).every((key) => next[key] === this.current[key]);
    if (same) return;
    const previous = this.current.state;
    this.current = Object.freeze(next);
    if (previous !== next.state) this.logger.debug('relay_state', { from: previous, to: next.state, attempt: next.attempt });
    this.events.emit('state', this.current);
  }
}

function relayWebSocketUrls(relayUrl: string | readonly string[]): readonly string[] {
  const urls = (typeof relayUrl === 'string' ? [relayUrl] : [...relayUrl]).map(relayWebSocketUrl);
  if (urls.length === 0) throw new TransportError('invalid_request', 'No relay address given.', false);
  return urls;
}

/** Checks a send request locally, so a request that can never succeed fails at once and non-retryably. */
function validateSend(messageId: string, recipients: readonly Address[], payload: Uint8Array, options: SendOptions): void {
  if (!(payload instanceof Uint8Array)) throw new TransportError('invalid_request', 'The message payload must be bytes.', false);
  if (recipients.length > MAX_RECIPIENTS_PER_SEND) {
    throw new TransportError('too_many_recipients', 'The message has too many recipients.', false);
  }
  if (recipients.length === 0) throw new TransportError('invalid_request', 'The message cannot be sent: it has no recipient (to).', false);
  const badId = MessageId.safeParse(messageId);
  if (!badId.success) throw new TransportError('invalid_request', `The message cannot be sent: ${badId.error.issues[0]?.message ?? 'invalid'} (messageId).`, false);
  for (const recipient of recipients) {
    const parsed = AddressSchema.safeParse(recipient);
    if (!parsed.success) throw new TransportError('invalid_request', `The message cannot be sent: ${parsed.error.issues[0]?.message ?? 'invalid'} (to).`, false);
  }
  if (payload.length > MAX_FRAME_BYTES) throw new TransportError('payload_too_large', 'The message is too large to send.', false);
  if (options.known !== undefined) {
    if (options.ephemeral) throw new TransportError('invalid_request', 'An ephemeral send is never checked.', false);
    const known = new Set(options.known.map(addressKey));
    if (options.known.length > MAX_RECIPIENTS_PER_SEND || !recipients.every((r) => known.has(addressKey(r)))) {
      throw new TransportError('invalid_request', 'The message cannot be sent: a checked send knows each recipient (known).', false);
    }
  }
  // Sized with room for a carried ack, which any send may take along (AckTracker).
  if (sendFrameSize(messageId, recipients, payload.length, options.known, true) > MAX_FRAME_BYTES) {
    throw new TransportError('frame_too_large', `The message is too large to send (id ${idHint(messageId)}).`, false);
  }
}
