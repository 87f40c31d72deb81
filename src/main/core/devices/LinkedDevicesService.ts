// This account's devices, seen from one of them: the primary links a new device from the code it shows (certifies
// its identity key, seals the provisioning message to the code's key, and asks the relay to link it), every device
// lists the account's devices with their names (sealed with the account secret), and removes one (docs/security.md §18).
import { deviceCertificateBytes, MAX_DEVICES_PER_ACCOUNT } from '../../../shared/crypto/device-certificate';
import { sealProvisionMessage } from '../../../shared/crypto/provisioning';
import { AppError, type DeviceView } from '../../../shared/ipc';
import { toBase64 } from '../../../shared/encoding/base64';
import { TransportError } from '../transport';
import type { MessagingContext } from '../messaging/context';
import type { HistoryExports } from '../history/HistoryExports';
import type { PairwiseChannel } from '../sessions/PairwiseChannel';
import { archivePointerOf } from '../history/HistoryImport';
import type { AccountSecretStore } from './AccountSecretStore';
import { openDeviceName, sealDeviceName } from './deviceNames';
import { LinkCodeError, parseLinkCode, type LinkCode } from './linkCode';
import { encodeProvisionMessage } from './provisionMessage';

export class LinkedDevicesService {
  constructor(
    private readonly ctx: MessagingContext,
    private readonly secrets: AccountSecretStore,
    private readonly history: HistoryExports,
    private readonly pairwise: Pick<PairwiseChannel, 'forgetDeviceList'>,
  ) {}

  /** The new device's name from its code, for the user to confirm; nothing is sent. */
  preview(codeText: string): { name: string } {
    return { name: this.parse(codeText).name };
  }

  /**
   * Links the device that shows `codeText` to this account (this device must be the primary); with `historyExport`,
   * the archive of that export is sealed and uploaded first, the relay grants it to the new device as it links it,
   * and the new device is then granted the blobs of the files the archive names.
   */
  async link(codeText: string, historyExport?: string): Promise<DeviceView> {
    const code = this.parse(codeText);
    const { ctx } = this;
    const archive = historyExport === undefined ? undefined : await this.history.seal(historyExport);
    const user = ctx.me.user;
    const certificate = ctx.provider.ed25519Sign(ctx.identity.signing, deviceCertificateBytes(user, code.identityKey));
    const accountSecret = await this.secrets.get();
    const body = sealProvisionMessage(
      ctx.provider,
      code.provisioningKey,
      code.address,
      encodeProvisionMessage({
        version: 1,
        user,
        accountKey: toBase64(ctx.identity.signing.publicKey),
        certificate: toBase64(certificate),
        accountSecret: toBase64(accountSecret),
        ...(archive ? { history: archivePointerOf(archive) } : {}),
      }),
    );
    const device = await this.relayCall(() =>
      ctx.relay.linkDevice({
        provisioningAddress: code.address,
        identityKey: code.identityKey,
        certificate,
        name: sealDeviceName(ctx.provider, accountSecret, code.name),
        body,
        ...(archive ? { historyBlob: archive.blob } : {}),
      }),
    );
    ctx.logger.info('devices.linked', { device, history: archive !== undefined });
    // Sync messages sent from now on (a contact added a moment ago, a verification) must reach the new device too.
    this.pairwise.forgetDeviceList(user);
    if (archive && historyExport !== undefined) {
      this.history.forget(historyExport);
      await this.grantFiles(archive.fileBlobs, device);
    }
    const now = ctx.now();
    return { device, name: code.name, linkedAt: now, lastSeenAt: null, primary: false, current: false };
  }

  /** The new device may fetch the files of its history (best effort: a file it cannot fetch says so when opened). */
  private async grantFiles(blobs: readonly string[], device: number): Promise<void> {
    const to = [{ user: this.ctx.me.user, device }];
    let refused = 0;
    for (const blob of blobs) {
      try {
        await this.ctx.relay.grantBlob(blob, to);
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        refused++;
      }
    }
    if (refused > 0) this.ctx.logger.warn('devices.history_files_not_granted', { refused, of: blobs.length });
  }

  async list(): Promise<DeviceView[]> {
    const { ctx } = this;
    const [listed, accountSecret] = await Promise.all([this.relayCall(() => ctx.relay.listDevices(ctx.me.user)), this.secrets.get()]);
    return listed.devices.map((d) => ({
      device: d.device,
      name: d.name === undefined ? null : (openDeviceName(ctx.provider, accountSecret, d.name) ?? null),
      linkedAt: d.linkedAt,
      lastSeenAt: d.lastSeenAt ?? null,
      primary: d.certificate === undefined,
      current: d.device === ctx.me.device,
    }));
  }

  async remove(device: number): Promise<void> {
    await this.relayCall(() => this.ctx.relay.removeDevice(device));
    this.ctx.logger.info('devices.removed', { device });
  }

  private parse(codeText: string): LinkCode {
    try {
      return parseLinkCode(codeText);
    } catch (error) {
      if (error instanceof LinkCodeError) throw new AppError('bad_link_code', error.text);
      throw error;
    }
  }

  /** The relay's refusals as errors the user can act on. */
  private async relayCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      switch (error.code) {
        case 'unknown_provisioning_address':
          throw new AppError('bad_link_code', { id: 'link_code.used_or_expired' });
        case 'not_primary':
          throw new AppError('not_primary', { id: 'devices.not_primary' });
        case 'too_many_devices':
          throw new AppError('too_many_devices', { id: 'devices.too_many', params: { max: MAX_DEVICES_PER_ACCOUNT } });
        case 'offline':
        case 'connection_lost':
        case 'request_timeout':
          throw new AppError('offline', { id: 'offline.try_again' }, true);
        default:
          throw new AppError('internal', { id: error.retryable ? 'relay.retrying' : 'relay.refused', params: { cause: error.code } }, error.retryable);
      }
    }
  }
}
