// Registration: one short connection that claims a username for this device's identity key (register frame signed
// over the relay's challenge), then closes. Every outcome is a result or a RegistrationError a UI can show.
import {
  CloseCode,
  DeviceId,
  PROTOCOL_VERSION,
  USERNAME_PATTERN,
  decodeServerFrame,
  encodeClientFrame,
  normalizeUsername,
  registrationSigningBytes,
  type ServerFrame,
} from '../../../shared/protocol';
import { toBase64 } from '../../../shared/encoding/base64';
import type { ErrorText } from '../../../shared/ipc';
import { stderrLogger, type Logger } from '../transport/logger';
import { RelayUrlError, relayWebSocketUrl } from '../transport/relayUrl';
import { wsSocketFactory, type RelaySocket, type RelaySocketFactory } from '../transport/socket';
import { RegistrationError } from './errors';
import { identitySigner, type IdentityKeyPair } from './identity';

export interface RegisterOptions {
  /** Whole registration must finish within this time. Default 10 000 ms. */
  timeoutMs?: number;
  socketFactory?: RelaySocketFactory;
  logger?: Logger;
}

export interface RegisteredAccount {
  /** The username as the relay stores it (normalized). */
  username: string;
  device: number;
  /** The relay address exactly as given (it validated). */
  relayUrl: string;
  /** False when this identity key had already registered this device (a retried registration). */
  newlyRegistered: boolean;
}

export const DEFAULT_REGISTER_TIMEOUT_MS = 10_000;

/** RFC 6455 "internal error": the relay failed, not the request. */
const INTERNAL_ERROR = 1011;

export function registerAccount(
  relayUrl: string,
  username: string,
  identity: IdentityKeyPair,
  device = 1,
  options: RegisterOptions = {},
): Promise<RegisteredAccount> {
  if (!USERNAME_PATTERN.test(username)) {
    return Promise.reject(
      new RegistrationError('invalid_username', { id: 'account.invalid_username' }),
    );
  }
  if (!DeviceId.safeParse(device).success) return Promise.reject(new RangeError('device must be an integer from 1'));
  let url: string;
  try {
    url = relayWebSocketUrl(relayUrl);
  } catch (error) {
    return Promise.reject(new RegistrationError('relay_unreachable', error instanceof RelayUrlError ? error.text : { id: 'account.unreachable' }, { cause: error }));
  }
  return new Promise((resolve, reject) => {
    new RegistrationAttempt(url, username, identity, device, options, (outcome) => {
      if (outcome instanceof RegistrationError) reject(outcome);
      else resolve({ ...outcome, relayUrl });
    }).start();
  });
}

type Outcome = Omit<RegisteredAccount, 'relayUrl'> | RegistrationError;

class RegistrationAttempt {
  private socket: RelaySocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private opened = false;
  private challenged = false;
  private done = false;
  private socketError: string | undefined;
  private readonly logger: Logger;

  constructor(
    private readonly url: string,
    private readonly username: string,
    private readonly identity: IdentityKeyPair,
    private readonly device: number,
    private readonly options: RegisterOptions,
    private readonly settle: (outcome: Outcome) => void,
  ) {
    this.logger = options.logger ?? stderrLogger;
  }

  start(): void {
    this.timer = setTimeout(
      () => this.fail('relay_unreachable', { id: 'account.timeout' }),
      this.options.timeoutMs ?? DEFAULT_REGISTER_TIMEOUT_MS,
    );
    try {
      this.socket = (this.options.socketFactory ?? wsSocketFactory)(this.url, {
        onOpen: () => {
          this.opened = true;
        },
        onMessage: (data, binary) => this.handleMessage(data, binary),
        onError: (error) => {
          this.socketError = (error as NodeJS.ErrnoException).code ?? error.message.slice(0, 120);
        },
        onClose: (code, reason) => this.handleClose(code, reason),
      });
    } catch (error) {
      this.fail('relay_unreachable', { id: 'account.unreachable' }, (error as Error).message.slice(0, 120));
    }
  }

  private handleMessage(data: Uint8Array, binary: boolean): void {
    if (this.done) return;
    const decoded = binary ? decodeServerFrame(data) : undefined;
    if (!decoded?.ok) {
      this.logger.warn('register_frame_ignored', { reason: decoded ? decoded.error.message : 'text frame' });
      return;
    }
    this.handleFrame(decoded.frame);
  }

  private handleFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'challenge':
        if (this.challenged) return;
        this.challenged = true;
        if (frame.version !== PROTOCOL_VERSION) {
          this.fail('protocol_error', { id: 'connection.version_mismatch', params: { relay: frame.version, app: PROTOCOL_VERSION } });
          return;
        }
        void this.answer(frame.nonce);
        return;
      case 'ready':
        if (!this.challenged || normalizeUsername(frame.user) !== normalizeUsername(this.username) || frame.device !== this.device) {
          this.fail('protocol_error', { id: 'account.wrong_account' });
          return;
        }
        this.finish({ username: frame.user, device: frame.device, newlyRegistered: frame.registered });
        return;
      case 'error':
        this.fail('protocol_error', { id: 'account.relay_refused' }, frame.code);
        return;
      default:
        this.logger.warn('register_frame_ignored', { reason: `${frame.type} before ready` });
    }
  }

  private async answer(nonce: string): Promise<void> {
    const identityKey = toBase64(this.identity.publicKey);
    let signature: Uint8Array;
    try {
      signature = await identitySigner(this.identity).sign(registrationSigningBytes(nonce, this.username, this.device, identityKey));
    } catch (error) {
      this.fail('protocol_error', { id: 'account.sign_failed' }, (error as Error).name);
      return;
    }
    if (this.done) return;
    this.socket?.send(
      encodeClientFrame({ type: 'register', nonce, username: this.username, device: this.device, identityKey, signature: toBase64(signature) }),
    );
  }

  private handleClose(code: number, reason: string): void {
    if (this.done) return;
    if (!this.opened) {
      this.fail('relay_unreachable', { id: 'account.unreachable' }, this.socketError ?? `close code ${code}`);
    } else if (code === CloseCode.usernameTaken) {
      this.fail('username_taken', { id: 'account.username_taken', params: { user: this.username } });
    } else if (code === CloseCode.goingAway || code === 1006 || code === INTERNAL_ERROR) {
      this.fail('relay_unreachable', { id: 'account.relay_dropped' });
    } else {
      this.fail('protocol_error', { id: 'account.relay_ended' }, `close code ${code}${reason ? `: ${reason.slice(0, 120)}` : ''}`);
    }
  }

  private fail(code: RegistrationError['code'], text: ErrorText, detail?: string): void {
    this.finish(new RegistrationError(code, text, detail === undefined ? undefined : { detail }));
  }

  private finish(outcome: Outcome): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    if (outcome instanceof RegistrationError) {
      this.logger.info('register_failed', { code: outcome.code });
      this.socket?.terminate();
    } else {
      this.socket?.close(1000, 'registered');
    }
    this.settle(outcome);
  }
}
