// One device's WebSocket, from challenge to close: the handshake, then sends, acks and pings, with every
// rejected frame answered by an error frame and counted towards the abuse limit. Each frame is handled inside a
// try/catch and every callback and promise is guarded, so nothing a client sends can escape as an exception.
// The message path is synchronous up to the group commit: a send is queued with a callback, its answer and the
// deliveries it causes leave in the turn's batched frames (OutboundBatch).
import type { BlobAccess } from '../blobs/blob-access';
import type { DeviceRequestFrame, LinkedDevices } from '../devices/linked-devices';
import type { ProvisioningRegistry } from '../devices/provisioning-registry';
import { answerBlobFrame, type BlobRequestFrame } from '../blobs/blob-frames';
import { findDeviceMismatches, readAccountDevices, type AccountDevices } from '../devices/known-devices-check';
import { WebSocket } from 'ws';
import {
  CLOSE_REASONS,
  CloseCode,
  MAX_DEVICE_MISMATCHES,
  PROTOCOL_VERSION,
  addressKey,
  encodeServerFrame,
  normalizeUsername,
  type AckFrame,
  type Address,
  type ClientFrame,
  type CloseCodeName,
  type DeliveredEnvelope,
  type DeviceMismatch,
  type ErrorCode,
  type KnownDevice,
  type SendFrame,
  type ServerFrame,
} from '../../shared/protocol';
import { runHandshake, type HandshakeOutcome } from '../auth/handshake';
import type { NonceRegistry } from '../auth/nonce-registry';
import type { RelayConfig } from '../config';
import { checkSendLimits } from '../limits/send-limits';
import type { TokenBucketLimiter } from '../limits/rate-limiter';
import { errorFields, type Logger } from '../log';
import type { EnqueueResult, GroupCommitWriter } from '../mailbox/group-commit-writer';
import { MailboxPump } from '../mailbox/mailbox-pump';
import type { RelayMetrics } from '../metrics/relay-metrics';
import type { PrekeyDirectory, PrekeyRequestFrame } from '../prekeys/prekey-directory';
import type { EnvelopeToStore, RelayStore, StoredDelivery } from '../store/relay-store';
import { AbuseMeter } from './abuse-meter';
import { readClientFrame, type RawMessage } from './frame-reader';
import type { OnlineDevices } from './online-devices';
import { OutboundBatch } from './outbound-batch';
import { TickCork, type Corkable } from './tick-cork';

export interface ConnectionContext {
  config: RelayConfig;
  store: RelayStore;
  writer: GroupCommitWriter;
  nonces: NonceRegistry;
  online: OnlineDevices<DeviceConnection>;
  rateLimiter: TokenBucketLimiter;
  prekeys: PrekeyDirectory;
  blobs: BlobAccess;
  devices: LinkedDevices;
  provisioning: ProvisioningRegistry<DeviceConnection>;
  logger: Logger;
  metrics: RelayMetrics;
  now: () => number;
  /** Hands an ephemeral envelope on to devices connected to other relays (relays sharing Redis), if any. */
  forwardEphemeral?: (devices: readonly Address[], delivery: DeliveredEnvelope) => void;
}

/** `provisioning`: a device being linked, waiting at a provisioning address for its provisioning message. */
type State = 'awaiting_auth' | 'authenticating' | 'provisioning' | 'ready' | 'closed';

/** A send waiting for a device check: its own (`known`) or an earlier send's. */
interface QueuedSend {
  rid: number;
  envelope: EnvelopeToStore;
  known: readonly KnownDevice[] | undefined;
}

/** Frames a client may pipeline behind its register/auth frame before `ready`. */
const MAX_FRAMES_DURING_HANDSHAKE = 32;
/** Bytes queued on a socket that does not read, beyond which it is cut. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** 1011: an unexpected condition on the relay (RFC 6455). */
const INTERNAL_ERROR_CLOSE = 1011;

export class DeviceConnection {
  private state: State = 'awaiting_auth';
  private address: Address | undefined;
  /** addressKey(address), made once: the rate limiter is asked with it on every send. */
  private addressKey = '';
  private pump: MailboxPump | undefined;
  private readonly nonce: string;
  private readonly abuse: AbuseMeter;
  private authTimer: NodeJS.Timeout | undefined;
  private heldFrames: Array<{ data: RawMessage; isBinary: boolean }> = [];
  private provisioningAddress: string | undefined;
  /** While shutting down, frames are no longer read but answers already owed are still written. */
  private reading = true;
  private alive = true;
  private readonly cork: TickCork;
  private readonly batch: OutboundBatch;
  /**
   * While a device check runs: the sends received since, in order. They wait for it, so commits keep order, and are
   * then checked together (one read of each account they name).
   */
  private checkQueue: QueuedSend[] | undefined;

  /**
   * `transport` is the TCP socket under `socket`: frames written in one turn leave in one write. `onAuthenticated`
   * runs once, when the device has proven who it is (it then no longer counts as an unauthenticated connection).
   */
  constructor(
    private readonly socket: WebSocket,
    transport: Corkable,
    readonly id: number,
    private readonly context: ConnectionContext,
    private readonly onAuthenticated: () => void = () => {},
  ) {
    const { config } = context;
    this.cork = new TickCork(transport);
    this.batch = new OutboundBatch((frame) => this.write(frame));
    this.abuse = new AbuseMeter(config.abuseThreshold, config.abuseWindowMs, context.now);
    this.nonce = context.nonces.issue(id);
    socket.on('message', (data: RawMessage, isBinary: boolean) => this.onMessage(data, isBinary));
    socket.on('close', () => this.cleanUp());
    socket.on('error', (error) => context.logger.debug('relay.socket_error', { connection: id, ...errorFields(error) }));
    socket.on('pong', () => {
      this.alive = true;
    });
    this.authTimer = setTimeout(() => this.closeWith('authTimeout'), config.authTimeoutMs);
    this.send({ type: 'challenge', version: PROTOCOL_VERSION, nonce: this.nonce, expiresInMs: config.nonceTtlMs });
  }

  /** A delivery has just been committed to this device's mailbox. */
  offer(delivery: StoredDelivery): void {
    this.pump?.offer(delivery);
  }

  /** Deliveries pushed on this connection and not yet acked. */
  get unacked(): number {
    return this.pump?.unacked ?? 0;
  }

  /** Another relay committed deliveries to this device's mailbox. */
  wake(): void {
    this.pump?.wake();
  }

  /** A frame the relay pushes unasked (e.g. `prekeys_low`); dropped unless the device is authenticated. */
  push(frame: ServerFrame): void {
    if (this.state === 'ready') this.send(frame);
  }

  /** An ephemeral envelope for this device (seq 0): handed on now, never stored, dropped unless authenticated. */
  pushEphemeral(delivery: DeliveredEnvelope): void {
    if (this.state === 'ready') this.batch.delivery(delivery);
  }

  /** The provisioning message for the device waiting on this connection: handed on, then the connection closes. */
  deliver(user: string, device: number, body: string): void {
    if (this.state !== 'provisioning') return;
    this.send({ type: 'provision_message', user, device, body });
    this.closeWith('provisioningDone');
  }

  /** Stops reading frames; used at shutdown before pending writes are flushed. */
  stopReading(): void {
    this.reading = false;
  }

  /** WebSocket-level liveness probe: a socket that missed the previous ping is cut. */
  heartbeat(): void {
    if (this.state === 'closed' || this.socket.readyState !== WebSocket.OPEN) return;
    if (!this.alive) {
      this.context.logger.debug('relay.heartbeat_missed', { connection: this.id });
      this.socket.terminate();
      this.cleanUp();
      return;
    }
    this.alive = false;
    this.socket.ping();
  }

  closeWith(name: CloseCodeName): void {
    this.closeSocket(CloseCode[name], CLOSE_REASONS[name]);
  }

  /** Cuts the TCP connection without a closing handshake (shutdown grace exceeded). */
  terminate(): void {
    this.socket.terminate();
    this.cleanUp();
  }

  private onMessage(data: RawMessage, isBinary: boolean): void {
    if (!this.reading || this.state === 'closed') return;
    try {
      if (this.state === 'authenticating') this.hold(data, isBinary);
      else this.handle(data, isBinary);
    } catch (error) {
      this.context.logger.error('relay.frame_failed', { connection: this.id, ...errorFields(error) });
      this.sendError('internal', 'the relay failed to handle this frame');
    }
  }

  private handle(data: RawMessage, isBinary: boolean): void {
    const read = readClientFrame(data, isBinary);
    if (this.state === 'provisioning') {
      this.sendError('not_authenticated', 'a provisioning connection only waits for its provisioning message');
      return this.closeWith('protocolViolation');
    }
    if (this.state === 'awaiting_auth') {
      if (!read.ok) {
        this.sendError(read.rejection.code, read.rejection.message, read.rejection.rid);
        this.closeWith('protocolViolation');
      } else if (read.frame.type === 'provision') {
        this.startProvisioning();
      } else if (read.frame.type !== 'register' && read.frame.type !== 'auth') {
        this.sendError('not_authenticated', 'the first frame must be register or auth', ridOf(read.frame));
        this.closeWith('protocolViolation');
      } else {
        this.startHandshake(read.frame);
      }
      return;
    }
    if (!read.ok) return this.reject(read.rejection.code, read.rejection.message, read.rejection.rid);
    const frame = read.frame;
    switch (frame.type) {
      case 'register':
      case 'auth':
      case 'provision':
        return this.reject('already_authenticated', 'this connection is already authenticated');
      case 'ping':
        return this.send({ type: 'pong', rid: frame.rid });
      case 'send':
        // A carried ack is applied first, whatever becomes of the send; one the relay refuses refuses the send too.
        if (frame.ackThrough !== undefined && !this.handleAck({ type: 'ack', through: frame.ackThrough, also: [] }, frame.rid)) return;
        return this.handleSend(frame);
      case 'ack':
        this.handleAck(frame);
        return;
      case 'publish_prekeys':
      case 'fetch_prekeys':
      case 'count_prekeys':
        return this.handlePrekeys(frame);
      case 'blob_upload':
      case 'blob_resume':
      case 'blob_download':
      case 'blob_grant':
        return this.handleBlob(frame);
      case 'link_device':
      case 'list_devices':
      case 'remove_device':
        return this.handleDevices(frame);
    }
  }

  /** Waits (until the address expires) for a provisioning message; the connection never authenticates. */
  private startProvisioning(): void {
    clearTimeout(this.authTimer);
    this.state = 'provisioning';
    const { provisioning, config, now } = this.context;
    const expiresAt = now() + config.provisioningTtlMs;
    this.authTimer = setTimeout(() => this.closeWith('provisioningDone'), config.provisioningTtlMs);
    this.follow(
      provisioning.open(this),
      (address) => {
        // Told only once every relay on the store knows the address.
        if (this.state !== 'provisioning') return provisioning.close(address, this);
        this.provisioningAddress = address;
        this.send({ type: 'provisioning_address', address, expiresAt });
      },
      (error) => {
        this.context.logger.error('relay.provisioning_failed', { connection: this.id, ...errorFields(error) });
        this.closeSocket(INTERNAL_ERROR_CLOSE, 'internal_error');
      },
    );
  }

  private hold(data: RawMessage, isBinary: boolean): void {
    if (this.heldFrames.length >= MAX_FRAMES_DURING_HANDSHAKE) return this.closeWith('abuse');
    this.heldFrames.push({ data, isBinary });
  }

  private startHandshake(frame: Extract<ClientFrame, { type: 'register' | 'auth' }>): void {
    this.state = 'authenticating';
    this.follow(
      runHandshake(frame, this.id, { nonces: this.context.nonces, accounts: this.context.store, now: this.context.now }),
      (outcome) => this.finishHandshake(outcome),
      (error) => {
        this.context.logger.error('relay.handshake_failed', { connection: this.id, ...errorFields(error) });
        this.closeSocket(INTERNAL_ERROR_CLOSE, 'internal_error');
      },
    );
  }

  private finishHandshake(outcome: HandshakeOutcome): void {
    if (this.state !== 'authenticating') return;
    if (!outcome.ok) {
      this.context.logger.info('relay.auth_rejected', { connection: this.id, reason: CLOSE_REASONS[outcome.close] });
      return this.closeWith(outcome.close);
    }
    clearTimeout(this.authTimer);
    const address = outcome.address;
    this.address = address;
    this.addressKey = addressKey(address);
    this.state = 'ready';
    this.onAuthenticated();
    const claim = this.context.online.claim(address, this);
    claim.replaced?.closeWith('replaced');
    this.context.logger.debug('relay.device_ready', { connection: this.id, user: address.user, device: address.device });
    this.send({ type: 'ready', user: address.user, device: address.device, registered: outcome.registered });
    this.follow(this.context.store.touchDevice(address, this.context.now()), () => {}, (error) => {
      this.context.logger.warn('relay.last_seen_not_stored', { connection: this.id, ...errorFields(error) });
    });
    // Acks the device sent on its previous connection may still be on their way to disk; and what another relay
    // stores while this one is not yet listening for the device would reach it only with the next wake.
    const readable = Promise.all([this.context.writer.acksSettled(address), claim.listening]);
    this.pump = new MailboxPump({
      mailbox: address,
      store: {
        pageMailbox: async (...page) => {
          await readable;
          return this.context.store.pageMailbox(...page);
        },
      },
      window: this.context.config.deliveryWindow,
      windowBytes: this.context.config.deliveryWindowBytes,
      push: (delivery) => this.pushDelivery(delivery),
      onDrained: () => this.send({ type: 'drained' }),
      onError: (error) => {
        this.context.logger.error('relay.mailbox_read_failed', { connection: this.id, ...errorFields(error) });
        this.closeSocket(INTERNAL_ERROR_CLOSE, 'internal_error');
      },
    });
    this.pump.start();
    const held = this.heldFrames;
    this.heldFrames = [];
    for (const { data, isBinary } of held) this.onMessage(data, isBinary);
  }

  private handleSend(frame: SendFrame): void {
    const sender = this.address;
    if (sender === undefined) return;
    const recipients = distinctAddresses(frame.to);
    const named = frame.known === undefined ? recipients.length : distinctAddresses(frame.known).length;
    const violation = checkSendLimits({ distinctRecipients: named, payloadBytes: frame.payload.length }, this.context.config);
    if (violation !== undefined) return this.reject(violation.code, violation.message, frame.rid);
    const rate = this.context.rateLimiter.take(this.addressKey);
    if (!rate.ok) {
      // The limiter already bounds the cost of a flood; a client draining its outbox should back off, not be cut.
      return this.sendError('rate_limited', `too many sends; retry in ${rate.retryAfterMs} ms`, frame.rid, rate.retryAfterMs);
    }
    const sentAt = this.context.now();
    if (frame.ephemeral) {
      const delivery = { seq: 0, messageId: frame.messageId, from: sender, payload: frame.payload, sentAt };
      const elsewhere: Address[] = [];
      for (const recipient of recipients) {
        const local = this.context.online.get(recipient);
        if (local !== undefined) local.pushEphemeral(delivery);
        else elsewhere.push(recipient);
      }
      if (elsewhere.length > 0) this.context.forwardEphemeral?.(elsewhere, delivery);
      return this.batch.answer(frame.rid, 'routed');
    }
    const envelope = { sender, messageId: frame.messageId, recipients, payload: frame.payload, sentAt };
    const send: QueuedSend = { rid: frame.rid, envelope, known: frame.known };
    if (this.checkQueue !== undefined) {
      this.checkQueue.push(send);
      return;
    }
    if (send.known === undefined) return this.context.writer.enqueue(envelope, (result) => this.answerSend(frame.rid, result));
    this.checkQueue = [];
    void this.checkSends(sender, [send]);
  }

  /**
   * Checks sends in order, each group with one read of the accounts its checked sends name, and commits those that
   * pass; then the sends that arrived meanwhile, until none is left.
   */
  private async checkSends(sender: Address, first: QueuedSend[]): Promise<void> {
    for (let group = first; group.length > 0; group = this.takeCheckQueue()) {
      const knownLists = group.flatMap((send) => (send.known === undefined ? [] : [send.known]));
      let devices: AccountDevices | undefined;
      try {
        devices = await readAccountDevices(this.context.store, knownLists);
      } catch (error) {
        this.context.logger.warn('relay.device_check_failed', { connection: this.id, ...errorFields(error) });
      }
      if (this.state !== 'ready') {
        this.checkQueue = undefined;
        return;
      }
      for (const { rid, envelope, known } of group) {
        if (known !== undefined) {
          if (devices === undefined) {
            this.sendError('internal', 'the relay could not check the devices of this message; retry', rid);
            continue;
          }
          const mismatches = findDeviceMismatches(devices, sender, known);
          if (mismatches.length > 0) {
            this.refuseChangedDevices(rid, mismatches);
            continue;
          }
        }
        this.context.writer.enqueue(envelope, (result) => this.answerSend(rid, result));
      }
    }
  }

  /** The sends queued behind the check that just ran; the queue is closed when there are none. */
  private takeCheckQueue(): QueuedSend[] {
    const queued = this.checkQueue ?? [];
    this.checkQueue = queued.length > 0 ? [] : undefined;
    return queued;
  }

  /** A checked send knew some account's devices wrong: nothing is stored, and the sender is told how they differ. */
  private refuseChangedDevices(rid: number, mismatches: DeviceMismatch[]): void {
    this.context.metrics.errorSent('devices_changed');
    const devices = mismatches.slice(0, MAX_DEVICE_MISMATCHES);
    this.send({ type: 'error', code: 'devices_changed', message: `the devices of ${mismatches.length} account(s) changed; nothing stored`, rid, devices });
  }

  private answerSend(rid: number, result: EnqueueResult): void {
    if (!result.ok) {
      this.context.logger.warn('relay.send_not_stored', { connection: this.id, ...errorFields(result.error) });
      return this.sendError('internal', 'the relay could not store this message; retry', rid);
    }
    const outcome = result.outcome;
    switch (outcome.status) {
      case 'stored':
      case 'duplicate':
        return this.batch.answer(rid, outcome.status);
      // Refusals a well-behaved client can run into (a stale contact, a recipient offline for long):
      // answered, but not counted as abuse.
      case 'unknown_recipient':
        return this.sendError('unknown_recipient', `no such device: ${describeAddresses(outcome.recipients)}`, rid);
      case 'mailbox_full':
        return this.sendError('mailbox_full', `mailbox full, nothing stored: ${describeAddresses(outcome.recipients)}`, rid);
    }
  }

  /** Applies an ack (its own frame, or carried by the send `rid`); false when it is refused and nothing of it applied. */
  private handleAck(frame: AckFrame, rid?: number): boolean {
    const mailbox = this.address;
    const pump = this.pump;
    if (mailbox === undefined || pump === undefined) return false;
    const pushed = pump.acked(frame.through, frame.also);
    if (pushed === undefined) {
      this.reject('unknown_delivery', `the ack names a delivery this connection was not given (the last was ${pump.lastPushed})`, rid);
      return false;
    }
    this.context.writer.ack({ mailbox, through: frame.through, also: frame.also, pushed, namesAll: true });
    return true;
  }

  private handlePrekeys(frame: PrekeyRequestFrame): void {
    const device = this.address;
    if (device === undefined) return;
    this.follow(
      this.context.prekeys.handle(device, frame),
      (answer) => {
        if (answer.ok) this.send(answer.frame);
        else if (answer.abuse) this.reject(answer.code, answer.message, frame.rid, answer.retryAfterMs);
        else this.sendError(answer.code, answer.message, frame.rid, answer.retryAfterMs);
      },
      (error) => {
        this.context.logger.warn('relay.prekeys_failed', { connection: this.id, ...errorFields(error) });
        this.sendError('internal', 'the relay could not handle this prekey request; retry', frame.rid);
      },
    );
  }

  private handleBlob(frame: BlobRequestFrame): void {
    const device = this.address;
    if (device === undefined) return;
    this.follow(
      answerBlobFrame(this.context.blobs, device, frame),
      (answer) => (answer.ok ? this.send(answer.frame) : this.sendError(answer.code, answer.message, frame.rid)),
      (error) => {
        this.context.logger.warn('relay.blobs_failed', { connection: this.id, ...errorFields(error) });
        this.sendError('internal', 'the relay could not handle this blob request; retry', frame.rid);
      },
    );
  }

  private handleDevices(frame: DeviceRequestFrame): void {
    const device = this.address;
    if (device === undefined) return;
    this.follow(
      this.context.devices.handle(device, frame),
      (answer) => (answer.ok ? this.send(answer.frame) : this.sendError(answer.code, answer.message, frame.rid)),
      (error) => {
        this.context.logger.warn('relay.devices_failed', { connection: this.id, ...errorFields(error) });
        this.sendError('internal', 'the relay could not handle this device request; retry', frame.rid);
      },
    );
  }

  private pushDelivery(delivery: StoredDelivery): void {
    this.context.metrics.deliveryPushed();
    this.batch.delivery(delivery);
  }

  /** Continues after an async step; whatever the continuation throws is logged, never an unhandled rejection. */
  private follow<T>(step: Promise<T>, onValue: (value: T) => void, onError: (error: unknown) => void): void {
    step.then(onValue, onError).catch((error: unknown) => {
      this.context.logger.error('relay.frame_failed', { connection: this.id, ...errorFields(error) });
    });
  }

  /** Answers a rejected frame and counts it; too many close the connection. Nothing was changed. */
  private reject(code: ErrorCode, message: string, rid?: number, retryAfterMs?: number): void {
    this.sendError(code, message, rid, retryAfterMs);
    if (this.abuse.record()) {
      this.context.logger.info('relay.abuse_close', { connection: this.id });
      this.closeWith('abuse');
    }
  }

  private sendError(code: ErrorCode, message: string, rid?: number, retryAfterMs?: number): void {
    this.context.metrics.errorSent(code);
    this.send({ type: 'error', code, message: message.slice(0, 500), rid, retryAfterMs });
  }

  /** Writes a frame after whatever the turn's batch holds, so frames leave in the order they were produced. */
  private send(frame: ServerFrame): void {
    if (!this.batch.isEmpty) this.batch.flush();
    this.write(frame);
  }

  private write(frame: ServerFrame): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.context.logger.info('relay.slow_consumer_cut', { connection: this.id });
      return this.terminate();
    }
    this.cork.hold();
    this.socket.send(encodeServerFrame(frame));
  }

  private closeSocket(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.cleanUp();
    this.socket.close(code, reason);
  }

  /** Idempotent: releases everything this connection holds. */
  private cleanUp(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.authTimer);
    this.heldFrames = [];
    this.batch.clear();
    this.context.nonces.discard(this.nonce);
    this.pump?.stop();
    if (this.address !== undefined) this.context.online.release(this.address, this);
    if (this.provisioningAddress !== undefined) this.context.provisioning.close(this.provisioningAddress, this);
  }
}

function ridOf(frame: ClientFrame): number | undefined {
  return 'rid' in frame ? frame.rid : undefined;
}

function distinctAddresses(addresses: readonly Address[]): Address[] {
  if (addresses.length === 1) return [{ user: normalizeUsername(addresses[0]!.user), device: addresses[0]!.device }];
  const seen = new Map<string, Address>();
  for (const address of addresses) {
    const normalized = { user: normalizeUsername(address.user), device: address.device };
    seen.set(addressKey(normalized), normalized);
  }
  return [...seen.values()];
}

function describeAddresses(addresses: readonly Address[]): string {
  const shown = addresses.slice(0, 5).map((a) => `${a.user}.${a.device}`);
  return addresses.length > 5 ? `${shown.join(', ')} and ${addresses.length - 5} more` : shown.join(', ');
}
