// The client core's facade: owns the account, the relay connection and the encrypted messaging of this device, and
// reports changes as contract events. Shells (Electron, browser host) construct it with their SecretStore; IPC
// handlers call it. It never hands out private keys.
import { toBase64 } from '../../../shared/encoding/base64';
import { AppError, TextError, type AccountView, type AutoDownloadLimits, type ConnectionSnapshot, type IpcEvents, type LinkingView } from '../../../shared/ipc';
import { AccountStore, RegistrationError, generateIdentity, identitySigner, registerAccount, relayUrlsOf, withRelayUrls, type Account } from '../account';
import type { CoreConfig } from '../config';
import { blobEndpoint } from '../media/transfer/blobHttp';
import { nodeCryptoProvider } from '../crypto/node-provider';
import { LinkCodeError, checkedDeviceName } from '../devices/linkCode';
import { ProvisioningError, Provisioner, type ProvisionedDevice, type ShownCode } from '../devices/Provisioner';
import { Messenger } from '../messaging/Messenger';
import type { SecretStore } from '../secrets';
import { Transport, type Logger } from '../transport';

export interface ParleyClientOptions {
  config: CoreConfig;
  secrets: SecretStore;
  events: IpcEvents;
  logger: Logger;
  /** The messaging clock (invite expiry, timestamps); Date.now unless a test moves time on. */
  now?: () => number;
  /** Up to which size received files download by themselves (Settings › Media), as set now. */
  autoDownloadLimits: () => AutoDownloadLimits;
}

export class ParleyClient {
  private account: Account | null = null;
  private transport: Transport | null = null;
  private messengerValue: Messenger | null = null;
  private messengerError: AppError | null = null;
  private creating: Promise<AccountView> | null = null;
  private provisioner: Provisioner | null = null;
  private readonly accounts: AccountStore;

  private constructor(private readonly options: ParleyClientOptions) {
    this.accounts = new AccountStore(options.config.dataDir, options.secrets);
  }

  /** Loads the account of this data folder, if any, and connects it to its relay. */
  static async open(options: ParleyClientOptions): Promise<ParleyClient> {
    const client = new ParleyClient(options);
    if (await client.accounts.exists()) {
      client.account = await client.accounts.load();
      await client.connect(client.account);
    }
    return client;
  }

  accountView(): AccountView | null {
    return this.account ? this.toView(this.account) : null;
  }

  /**
   * Generates identity keys, registers the username at the first of `relayUrls` that answers (relays of one service
   * share accounts) and stores the account with all of them, in the order given. One at a time.
   */
  createAccount(username: string, relayUrls: readonly string[]): Promise<AccountView> {
    if (this.account) return Promise.reject(new AppError('account_exists', { id: 'account.exists' }));
    this.creating ??= this.register(username, relayUrls).finally(() => (this.creating = null));
    return this.creating;
  }

  /**
   * Makes this device's identity key and waits on the first of `relayUrls` to be linked by the account's primary,
   * showing a code for it; refreshed codes, the outcome and its account come through `devices.linking`. The account
   * keeps every relay given. One at a time. (The primary must reach the same relay node: docs/protocol.md.)
   */
  async startLinking(relayUrls: readonly string[], name: string): Promise<LinkingView> {
    const [relayUrl] = relayUrls;
    if (relayUrl === undefined) throw new AppError('invalid_request', { id: 'account.relay_url_needed' });
    if (this.account) throw new AppError('account_exists', { id: 'account.exists' });
    let deviceName: string;
    try {
      deviceName = checkedDeviceName(name);
    } catch (error) {
      throw new AppError('invalid_request', error instanceof LinkCodeError ? error.text : { id: 'internal' });
    }
    this.provisioner?.cancel();
    const identity = generateIdentity();
    let firstCode!: (shown: ShownCode) => void;
    const shownFirst = new Promise<ShownCode>((resolve) => (firstCode = resolve));
    const provisioner = new Provisioner({
      relayUrl,
      name: deviceName,
      identity,
      provider: nodeCryptoProvider,
      logger: this.options.logger,
      onCode: (shown) => {
        firstCode(shown);
        this.options.events.emit('devices.linking', { state: 'waiting', ...shown });
      },
    });
    this.provisioner = provisioner;
    const outcome = provisioner.linked
      .then((linked) => this.finishLinking(provisioner, linked, relayUrls, identity))
      .catch((error: Error) => {
        if (this.provisioner === provisioner) this.provisioner = null;
        this.options.logger.info('devices.linking_failed', { code: (error as { code?: string }).code ?? 'unknown' });
        this.options.events.emit('devices.linking', { state: 'failed', message: error.message.slice(0, 500), text: error instanceof TextError ? error.text : { id: 'internal' } });
        throw error;
      });
    provisioner.start();
    const first = await Promise.race([shownFirst, outcome.then(() => undefined)]).catch((error: Error) => {
      throw new AppError('relay_unreachable', error instanceof ProvisioningError ? error.text : { id: 'linking.unreachable' }, true);
    });
    if (first === undefined) return { state: 'linked' };
    return { state: 'waiting', ...first };
  }

  cancelLinking(): void {
    this.provisioner?.cancel();
    this.provisioner = null;
  }

  connection(): ConnectionSnapshot {
    return this.transport?.snapshot ?? { state: 'offline', attempt: 0, nextRetryAt: null, lastError: null };
  }

  retryConnection(): ConnectionSnapshot {
    this.transport?.retryNow();
    return this.connection();
  }

  /** The relay moved, or the service has several: store the addresses and reconnect, to the first one first. */
  async setRelayUrls(relayUrls: readonly string[]): Promise<AccountView> {
    const updated = withRelayUrls(this.requireAccount(), relayUrls);
    await this.accounts.save(updated);
    this.account = updated;
    this.transport?.setRelayUrl(relayUrlsOf(updated));
    this.transport?.stop();
    this.transport?.start();
    return this.toView(updated);
  }

  /** Where attachments go: the blob endpoint of the relay this device is on (relays of one service share blobs). */
  blobEndpoint(): URL {
    return blobEndpoint(this.transport?.relayUrl ?? this.requireAccount().relayUrl);
  }

  /** The OS reports the network is back or changed. */
  networkChanged(): void {
    this.transport?.networkChanged();
  }

  async close(): Promise<void> {
    this.cancelLinking();
    this.transport?.stop();
    await this.messengerValue?.close();
  }

  requireAccount(): Account {
    if (!this.account) throw new AppError('no_account', { id: 'account.none' });
    return this.account;
  }

  /** Settings › Media changed: hands it to messaging, if it runs (it reads the limits itself when it starts). */
  autoDownloadLimitsChanged(): void {
    void this.messengerValue?.autoDownloadLimitsChanged();
  }

  /** Encrypted messaging of this account; AppError when there is no account or its vault cannot be opened. */
  messenger(): Messenger {
    this.requireAccount();
    if (this.messengerValue) return this.messengerValue;
    throw this.messengerError ?? new AppError('internal', { id: 'messaging.starting' }, true);
  }

  private async register(username: string, relayUrls: readonly string[]): Promise<AccountView> {
    const identity = generateIdentity();
    try {
      const registered = await this.registerAtFirstAnswering(relayUrls, username, identity);
      const account = withRelayUrls(
        { username: registered.username, device: registered.device, relayUrl: relayUrls[0]!, identity, createdAt: Date.now() },
        relayUrls,
      );
      await this.accounts.save(account);
      this.account = account;
      await this.connect(account);
      return this.toView(account);
    } catch (error) {
      if (error instanceof RegistrationError) throw new AppError(error.code, error.text, error.code === 'relay_unreachable', error.detail);
      throw error;
    }
  }

  /** Registers at each relay in turn while the one tried cannot be reached; any other answer is final. */
  private async registerAtFirstAnswering(relayUrls: readonly string[], username: string, identity: Account['identity']) {
    for (const [index, relayUrl] of relayUrls.entries()) {
      try {
        return await registerAccount(relayUrl, username, identity, 1, { logger: this.options.logger });
      } catch (error) {
        const unreachable = error instanceof RegistrationError && error.code === 'relay_unreachable';
        if (!unreachable || index === relayUrls.length - 1) throw error;
        this.options.logger.info('account.register_next_relay', { tried: index + 1, of: relayUrls.length });
      }
    }
    throw new AppError('invalid_request', { id: 'account.relay_url_needed' });
  }

  /** A primary linked this device: the account is stored, the account secret kept, and the device connects. */
  private async finishLinking(provisioner: Provisioner, linked: ProvisionedDevice, relayUrls: readonly string[], identity: Account['identity']): Promise<void> {
    if (this.provisioner !== provisioner || this.account) return;
    this.provisioner = null;
    const account = withRelayUrls(
      { username: linked.username, device: linked.device, relayUrl: relayUrls[0]!, identity, accountKey: linked.accountKey, createdAt: Date.now() },
      relayUrls,
    );
    await this.accounts.save(account);
    this.account = account;
    await this.connect(account, linked.accountSecret);
    if (linked.history) await this.messengerValue?.historyImport.begin(linked.history);
    this.options.logger.info('devices.linked_here', { device: linked.device, history: linked.history !== undefined });
    this.options.events.emit('devices.linking', { state: 'linked' });
  }

  /** Opens the vault and messaging before the connection starts, so no delivery arrives with no one to take it. */
  private async connect(account: Account, accountSecret?: Uint8Array): Promise<void> {
    const transport = new Transport({
      relayUrl: relayUrlsOf(account),
      credentials: { user: account.username, device: account.device, signer: identitySigner(account.identity) },
      config: this.options.config.transport,
      logger: this.options.logger,
    });
    transport.on('state', (snapshot) => this.options.events.emit('connection.changed', snapshot));
    this.transport = transport;
    try {
      this.messengerValue = await Messenger.open({
        dataDir: this.options.config.dataDir,
        secrets: this.options.secrets,
        account,
        relay: transport,
        blobEndpoint: () => this.blobEndpoint(),
        autoDownloadLimits: this.options.autoDownloadLimits,
        events: this.options.events,
        logger: this.options.logger,
        now: this.options.now,
      });
      if (accountSecret) await this.messengerValue.accountSecret.set(accountSecret);
    } catch (error) {
      // Without its vault this device cannot decrypt anything: it stays connected (the relay keeps every envelope,
      // none is acked) and says why messaging is unavailable.
      const code = (error as { code?: string }).code ?? 'unknown';
      this.options.logger.error('messaging.open_failed', { code });
      this.messengerError = new AppError('internal', { id: 'messaging.store_unavailable', params: { code } });
    }
    transport.start();
  }

  private toView(account: Account): AccountView {
    const security = this.options.secrets.security;
    return {
      username: account.username,
      device: account.device,
      relayUrls: relayUrlsOf(account),
      identityKey: toBase64(account.identity.publicKey),
      keyProtection: { osKeychain: security.backing === 'os-keychain' && !security.weak, warning: security.warning },
    };
  }
}
