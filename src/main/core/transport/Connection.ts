// One socket's lifetime: open → challenge → auth → ready → frames → end. It reports to the Transport through
// callbacks and ends exactly once with a ConnectionError. It never reconnects; that is the Transport's job.
import {
  PROTOCOL_VERSION,
  authSigningBytes,
  decodeServerFrame,
  encodeClientFrame,
  normalizeUsername,
  type Address,
  type KnownDevice,
  type ClientFrame,
  type DeliveredEnvelope,
  type ServerFrame,
} from '../../../shared/protocol';
import { toBase64 } from '../../../shared/encoding/base64';
import { AckTracker } from './AckTracker';
import type { Clock, TimerHandle } from './clock';
import type { TransportConfig } from './config';
import { ConnectionError, TransportError, connectionErrorFromClose, transportErrorFromFrame } from './errors';
import { Heartbeat } from './Heartbeat';
import type { Logger } from './logger';
import { PendingRequests, type RequestKind } from './PendingRequests';
import { decodeDeviceList } from './devices';
import { decodeBundles } from './prekeys';
import type { RelaySocket, RelaySocketFactory } from './socket';
import type { AccountDevices, BlobToken, Delivery, DeviceCredentials, PrekeyBundles, PrekeyCount, PrekeysPublished, SendResult } from './types';

export interface ConnectionCallbacks {
  onAuthenticating(): void;
  onReady(): void;
  onDelivery(delivery: Delivery): void;
  onDrained(): void;
  /** The relay says this device is short of one-time prekeys. */
  onPrekeysLow(oneTimePreKeys: number): void;
  /** Called exactly once. */
  onEnd(error: ConnectionError): void;
}

export interface ConnectionDeps {
  url: string;
  credentials: DeviceCredentials;
  config: TransportConfig;
  clock: Clock;
  socketFactory: RelaySocketFactory;
  logger: Logger;
  callbacks: ConnectionCallbacks;
}

export type ConnectionPhase = 'opening' | 'authenticating' | 'ready' | 'ended';

export class Connection {
  private phaseValue: ConnectionPhase = 'opening';
  private socket: RelaySocket | undefined;
  private readonly pending: PendingRequests;
  private readonly heartbeat: Heartbeat;
  private handshakeTimer: TimerHandle | undefined;
  private challengeSeen = false;
  private socketError: Error | undefined;
  private readonly acks: AckTracker;

  constructor(private readonly deps: ConnectionDeps) {
    const { clock, config } = deps;
    this.acks = new AckTracker((through, also) => this.write({ type: 'ack', through, also }), clock);
    this.pending = new PendingRequests(clock, config.requestTimeoutMs);
    this.heartbeat = new Heartbeat(clock, {
      intervalMs: config.heartbeatIntervalMs,
      timeoutMs: config.heartbeatTimeoutMs,
      sendPing: () => this.sendHeartbeatPing(),
      onDead: (silentForMs) =>
        this.abort(new ConnectionError('dead_peer', { id: 'connection.dead_peer', params: { seconds: Math.round(silentForMs / 1000) } })),
    });
  }

  /** Opens the socket. Separate from the constructor so callbacks can refer to this connection from the start. */
  open(): void {
    // Ended already: a state listener may have called stop() while the Transport announced `connecting`.
    if (this.socket || this.phaseValue === 'ended') return;
    this.handshakeTimer = this.deps.clock.setTimeout(
      () => this.abort(new ConnectionError('handshake_timeout', { id: 'connection.handshake_timeout' })),
      this.deps.config.handshakeTimeoutMs,
    );
    try {
      this.socket = this.deps.socketFactory(this.deps.url, {
        onOpen: () => this.handleOpen(),
        onMessage: (data, binary) => this.handleMessage(data, binary),
        onError: (error) => this.handleSocketError(error),
        onClose: (code, reason) => this.handleClose(code, reason),
      });
    } catch (error) {
      this.finish(new ConnectionError('relay_unreachable', { id: 'relay.unreachable' }, { detail: describeSocketError(error) }));
    }
  }

  get phase(): ConnectionPhase {
    return this.phaseValue;
  }

  /** Sends an already validated message. Resolves once the relay says it is durably stored (or, ephemeral, routed). */
  send(messageId: string, to: Address[], payload: Uint8Array, ephemeral: boolean, known?: KnownDevice[]): Promise<SendResult> {
    return this.request<SendResult>('send', (rid) => {
      // Stored deliveries waiting to be acked ride in the send (AckTracker).
      const ackThrough = this.acks.carryInSend();
      return { type: 'send', rid, messageId, to, payload, ephemeral, ...(known ? { known } : {}), ...(ackThrough !== undefined ? { ackThrough } : {}) };
    });
  }

  /**
   * Writes a request frame under a fresh rid and resolves with its decoded answer; fails with the relay's error, a
   * timeout, or retryably when not ready or when the connection ends first. `echo` must come back in the answer.
   */
  request<T>(kind: RequestKind, build: (rid: number) => ClientFrame, echo?: string): Promise<T> {
    if (this.phaseValue !== 'ready') return Promise.reject(offlineError());
    const { rid, response } = this.pending.open<T>(kind, echo);
    this.write(build(rid));
    return response;
  }

  /** Sends a ping at once and, if nothing is heard in time, declares the peer dead (e.g. after a network change). */
  probe(): void {
    if (this.phaseValue === 'ready') this.heartbeat.probe();
  }

  /** Orderly close requested by the client (stop): acks waiting go first. In-flight requests fail as connection_lost. */
  close(error: ConnectionError): void {
    if (this.phaseValue === 'ended') return;
    if (this.phaseValue === 'ready') this.acks.flush();
    this.finish(error);
    this.socket?.close(1000, 'client_closing');
  }

  /** Drops the socket without a close handshake and ends with the given reason. */
  abort(error: ConnectionError): void {
    if (this.phaseValue === 'ended') return;
    this.finish(error);
    this.socket?.terminate();
  }

  private handleOpen(): void {
    if (this.phaseValue !== 'opening') return;
    this.phaseValue = 'authenticating';
    this.deps.callbacks.onAuthenticating();
  }

  private handleSocketError(error: Error): void {
    this.socketError = error;
    const code = (error as NodeJS.ErrnoException).code;
    this.deps.logger.debug('relay_socket_error', { phase: this.phaseValue, code: code ?? error.name });
  }

  private handleClose(code: number, reason: string): void {
    if (this.phaseValue === 'ended') return;
    if (this.phaseValue === 'opening') {
      const cause = this.socketError ? describeSocketError(this.socketError) : `closed with code ${code}`;
      this.finish(new ConnectionError('relay_unreachable', { id: 'relay.unreachable' }, { detail: cause }));
      return;
    }
    this.finish(connectionErrorFromClose(code, reason));
  }

  private handleMessage(data: Uint8Array, binary: boolean): void {
    if (this.phaseValue === 'ended') return;
    // Any frame, even one we then reject, proves the relay is alive.
    this.heartbeat.heard();
    if (!binary) {
      this.deps.logger.warn('relay_frame_ignored', { reason: 'text frame (protocol v2 is binary)' });
      return;
    }
    const decoded = decodeServerFrame(data);
    if (!decoded.ok) {
      // Never log the frame itself: it may carry a payload.
      this.deps.logger.warn('relay_frame_ignored', { reason: decoded.error.message, code: decoded.error.code, bytes: data.length });
      return;
    }
    if (this.phaseValue === 'ready') this.handleSessionFrame(decoded.frame);
    else this.handleHandshakeFrame(decoded.frame);
  }

  private handleHandshakeFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'challenge':
        if (this.challengeSeen) {
          this.deps.logger.warn('relay_frame_ignored', { reason: 'second challenge' });
          return;
        }
        this.challengeSeen = true;
        if (frame.version !== PROTOCOL_VERSION) {
          this.abort(
            new ConnectionError('protocol_version_mismatch', { id: 'connection.version_mismatch', params: { relay: frame.version, app: PROTOCOL_VERSION } }),
          );
          return;
        }
        void this.answerChallenge(frame.nonce);
        return;
      case 'ready': {
        const { user, device } = this.deps.credentials;
        if (!this.challengeSeen || normalizeUsername(frame.user) !== normalizeUsername(user) || frame.device !== device) {
          this.abort(new ConnectionError('protocol_error', { id: 'connection.wrong_device' }));
          return;
        }
        this.phaseValue = 'ready';
        if (this.handshakeTimer !== undefined) this.deps.clock.clearTimeout(this.handshakeTimer);
        this.handshakeTimer = undefined;
        this.heartbeat.start();
        this.deps.callbacks.onReady();
        return;
      }
      case 'error':
        // The relay explains before it closes; the close code decides what happens.
        this.deps.logger.warn('relay_error_during_login', { code: frame.code });
        return;
      default:
        this.deps.logger.warn('relay_frame_ignored', { reason: `${frame.type} before ready` });
    }
  }

  private async answerChallenge(nonce: string): Promise<void> {
    const { user, device, signer } = this.deps.credentials;
    let signature: Uint8Array;
    try {
      signature = await signer.sign(authSigningBytes(nonce, user, device));
      if (signature.length !== 64) throw new RangeError('signature must be 64 bytes');
    } catch (error) {
      this.deps.logger.error('auth_signing_failed', { error: error instanceof Error ? error.name : 'unknown' });
      this.abort(new ConnectionError('signing_failed', { id: 'connection.signing_failed' }));
      return;
    }
    if (this.phaseValue !== 'authenticating') return;
    this.write({ type: 'auth', nonce, user, device, signature: toBase64(signature) });
  }

  private handleSessionFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'deliver':
        for (const delivery of frame.deliveries) {
          if (this.phaseValue !== 'ready') return;
          this.deliver(delivery);
        }
        return;
      case 'drained':
        this.deps.callbacks.onDrained();
        return;
      case 'sent':
        for (const { rid, status } of frame.answers) {
          this.answer('send', rid, undefined, (): SendResult => ({ duplicate: status === 'duplicate' }));
        }
        return;
      case 'prekeys_published':
        this.answer('publish_prekeys', frame.rid, undefined, () => ({ oneTimePreKeys: frame.oneTimePrekeys, kemPreKeys: frame.kemPrekeys }) satisfies PrekeysPublished);
        return;
      case 'prekey_count':
        this.answer('count_prekeys', frame.rid, undefined, () => ({
          oneTimePreKeys: frame.oneTimePrekeys,
          signedPreKeyId: frame.signedPrekeyId,
          kemPreKeys: frame.kemPrekeys,
          lastResortKemPreKeyId: frame.lastResortKemPrekeyId,
        }) satisfies PrekeyCount);
        return;
      case 'prekey_bundles':
        this.answer('fetch_prekeys', frame.rid, frame.user, (): PrekeyBundles => decodeBundles(frame));
        return;
      case 'prekeys_low':
        this.deps.callbacks.onPrekeysLow(frame.oneTimePrekeys);
        return;
      case 'blob_token':
        this.answer('blob_token', frame.rid, undefined, (): BlobToken => ({ blobId: frame.blob, token: frame.token, expiresAt: frame.expiresAt }));
        return;
      case 'blob_granted':
        this.answer('blob_grant', frame.rid, undefined, () => undefined);
        return;
      case 'device_linked':
        this.answer('link_device', frame.rid, undefined, () => frame.device);
        return;
      case 'device_list':
        this.answer('list_devices', frame.rid, frame.user, (): AccountDevices => decodeDeviceList(frame));
        return;
      case 'device_removed':
        this.answer('remove_device', frame.rid, undefined, () => undefined);
        return;
      case 'pong':
        if (this.pending.peek(frame.rid)?.kind !== 'ping') {
          this.deps.logger.debug('relay_response_unmatched', { type: 'pong', rid: frame.rid });
          return;
        }
        this.pending.resolve(frame.rid, undefined);
        return;
      case 'error':
        if (frame.rid !== undefined && this.pending.reject(frame.rid, transportErrorFromFrame(frame))) return;
        this.deps.logger.warn('relay_error', { code: frame.code, rid: frame.rid });
        return;
      default:
        this.deps.logger.warn('relay_frame_ignored', { reason: `${frame.type} after ready` });
    }
  }

  /** Settles the pending request `rid` if it is of `kind` (and the answer echoes what it must); else logs and ignores. */
  private answer(kind: RequestKind, rid: number, echo: string | undefined, value: () => unknown): void {
    const request = this.pending.peek(rid);
    if (!request || request.kind !== kind || request.echo !== echo) {
      this.deps.logger.warn('relay_response_unmatched', { kind, rid });
      return;
    }
    this.pending.resolve(rid, value());
  }

  private deliver(envelope: DeliveredEnvelope): void {
    const ephemeral = envelope.seq === 0;
    if (!ephemeral) {
      // The relay numbers a mailbox's deliveries in increasing order along a connection; anything else is a fault.
      if (envelope.seq <= this.acks.lastDelivered) {
        this.deps.logger.warn('relay_frame_ignored', { reason: 'delivery out of order', seq: envelope.seq });
        return;
      }
      this.acks.delivered(envelope.seq);
    }
    let acked = false;
    this.deps.callbacks.onDelivery(
      Object.freeze({
        seq: envelope.seq,
        ephemeral,
        messageId: envelope.messageId,
        from: envelope.from,
        payload: envelope.payload,
        sentAt: envelope.sentAt,
        ack: () => {
          if (ephemeral) return true;
          if (acked || this.phaseValue !== 'ready') return false;
          acked = true;
          this.acks.ack(envelope.seq);
          return true;
        },
      }),
    );
  }

  private sendHeartbeatPing(): void {
    const { rid, response } = this.pending.open<void>('ping');
    // The heartbeat watches for any inbound frame; a ping's own timeout or failure needs no handling here.
    response.catch(() => undefined);
    this.write({ type: 'ping', rid });
  }

  private write(frame: ClientFrame): void {
    if (this.phaseValue === 'ended') return;
    try {
      this.socket?.send(encodeClientFrame(frame));
    } catch (error) {
      this.abort(new ConnectionError('connection_closed', { id: 'connection.lost_while_sending' }, { detail: describeSocketError(error) }));
    }
  }

  private finish(error: ConnectionError): void {
    this.phaseValue = 'ended';
    this.acks.close();
    if (this.handshakeTimer !== undefined) this.deps.clock.clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.heartbeat.stop();
    this.pending.rejectAll(
      new TransportError('connection_lost', 'The connection dropped before the relay confirmed. It is safe to send again.', true),
    );
    this.deps.callbacks.onEnd(error);
  }
}

export function offlineError(): TransportError {
  return new TransportError('offline', 'Not connected to the relay right now. Try again once Parley is back online.', true);
}

function describeSocketError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}` : error.message.slice(0, 120);
}

