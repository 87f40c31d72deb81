// The new device's side of linking: waits at a provisioning address on the relay and shows a code for it (address,
// a fresh ephemeral X25519 key, this device's identity key, its name). When the address expires it asks for a new
// one and shows a new code; when the primary's provisioning message arrives, it opens it with the ephemeral key and
// accepts it only if it certifies this device's identity key under the account key it names.
import { openProvisionMessage } from '../../../shared/crypto/provisioning';
import type { CryptoProvider, KeyPair } from '../../../shared/crypto/provider';
import { fromBase64 } from '../../../shared/encoding/base64';
import { CloseCode, PROTOCOL_VERSION, decodeServerFrame, encodeClientFrame, normalizeUsername, type ServerFrame } from '../../../shared/protocol';
import type { IdentityKeyPair } from '../account/identity';
import type { Logger } from '../transport/logger';
import { RelayUrlError, relayWebSocketUrl } from '../transport/relayUrl';
import { wsSocketFactory, type RelaySocket, type RelaySocketFactory } from '../transport/socket';
import { speaksForAccount } from './deviceCertificates';
import { formatLinkCode } from './linkCode';
import { decodeProvisionMessage } from './provisionMessage';
import type { ArchivePointer } from '../history/HistoryImport';
import { TextError } from '../../../shared/ipc';

export interface ProvisionedDevice {
  username: string;
  device: number;
  accountKey: Uint8Array;
  accountSecret: Uint8Array;
  /** The history archive the primary sent along, if the user chose to. */
  history?: ArchivePointer;
}

export interface ShownCode {
  code: string;
  expiresAt: number;
}

export class ProvisioningError extends TextError<'relay_unreachable' | 'protocol_error' | 'cancelled'> {
  override readonly name = 'ProvisioningError';
}

export interface ProvisionerOptions {
  relayUrl: string;
  name: string;
  identity: IdentityKeyPair;
  provider: CryptoProvider;
  logger: Logger;
  /** Each new code, the first and every refreshed one. */
  onCode: (shown: ShownCode) => void;
  socketFactory?: RelaySocketFactory;
  /** Connections that fail in a row before giving up. Default 3. */
  maxFailures?: number;
}

export class Provisioner {
  private socket: RelaySocket | undefined;
  private failures = 0;
  private settled = false;
  private resolveLinked!: (device: ProvisionedDevice) => void;
  private rejectLinked!: (error: ProvisioningError) => void;
  /** Resolves once a primary linked this device; rejects when the relay cannot be reached or on cancel(). */
  readonly linked: Promise<ProvisionedDevice>;

  constructor(private readonly options: ProvisionerOptions) {
    this.linked = new Promise((resolve, reject) => {
      this.resolveLinked = resolve;
      this.rejectLinked = reject;
    });
  }

  start(): void {
    this.attempt();
  }

  cancel(): void {
    this.finish(new ProvisioningError('cancelled', { id: 'linking.cancelled' }));
  }

  private attempt(): void {
    if (this.settled) return;
    const ephemeral = this.options.provider.x25519GenerateKeyPair();
    let address: string | undefined;
    let delivered = false;
    let url: string;
    try {
      url = relayWebSocketUrl(this.options.relayUrl);
    } catch (error) {
      return this.finish(new ProvisioningError('relay_unreachable', error instanceof RelayUrlError ? error.text : { id: 'linking.unreachable' }));
    }
    const socket = (this.options.socketFactory ?? wsSocketFactory)(url, {
      onOpen: () => {},
      onError: () => {},
      onMessage: (data, binary) => {
        const decoded = binary ? decodeServerFrame(data) : undefined;
        if (!decoded?.ok) return this.options.logger.warn('provisioning.frame_ignored', {});
        const frame: ServerFrame = decoded.frame;
        if (frame.type === 'challenge') {
          if (frame.version !== PROTOCOL_VERSION) {
            return this.finish(new ProvisioningError('protocol_error', { id: 'linking.version_mismatch', params: { relay: frame.version } }));
          }
          socket.send(encodeClientFrame({ type: 'provision' }));
        } else if (frame.type === 'provisioning_address') {
          this.failures = 0;
          address = frame.address;
          this.options.onCode({
            code: formatLinkCode({ address, provisioningKey: ephemeral.publicKey, identityKey: this.options.identity.publicKey, name: this.options.name }),
            expiresAt: frame.expiresAt,
          });
        } else if (frame.type === 'provision_message' && address !== undefined) {
          delivered = true;
          this.accept(ephemeral, address, frame.user, frame.device, fromBase64(frame.body));
        }
      },
      onClose: (code) => {
        if (this.settled || delivered) return;
        if (code === CloseCode.provisioningDone) return this.attempt();
        this.failures++;
        if (this.failures >= (this.options.maxFailures ?? 3)) {
          return this.finish(new ProvisioningError('relay_unreachable', { id: 'linking.unreachable' }));
        }
        this.attempt();
      },
    });
    this.socket = socket;
  }

  private accept(ephemeral: KeyPair, address: string, user: string, device: number, body: Uint8Array): void {
    const { provider, identity } = this.options;
    let message;
    try {
      message = decodeProvisionMessage(openProvisionMessage(provider, ephemeral, address, body));
    } catch {
      message = undefined;
    }
    if (message === undefined || normalizeUsername(message.user) !== normalizeUsername(user)) {
      this.options.logger.warn('provisioning.message_refused', { reason: 'unreadable' });
      return this.finish(new ProvisioningError('protocol_error', { id: 'linking.unreadable' }));
    }
    const accountKey = fromBase64(message.accountKey);
    if (!speaksForAccount(provider, message.user, accountKey, identity.publicKey, fromBase64(message.certificate))) {
      this.options.logger.warn('provisioning.message_refused', { reason: 'certificate' });
      return this.finish(new ProvisioningError('protocol_error', { id: 'linking.not_certified' }));
    }
    this.finish({
      username: normalizeUsername(user),
      device,
      accountKey,
      accountSecret: fromBase64(message.accountSecret),
      ...(message.history ? { history: message.history } : {}),
    });
  }

  private finish(outcome: ProvisionedDevice | ProvisioningError): void {
    if (this.settled) return;
    this.settled = true;
    this.socket?.close(1000, 'done');
    if (outcome instanceof ProvisioningError) this.rejectLinked(outcome);
    else this.resolveLinked(outcome);
  }
}
