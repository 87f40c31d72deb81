// Pairwise messages to a user: sessions with every device of theirs (nothing assumes one), started from prekey
// bundles fetched from the relay after checking each device's identity key against the one we trust, and one
// ciphertext per device, each stored state durable before the ciphertext leaves. Never logs keys or plaintext.
import { verifyPreKeyBundle } from '../../../shared/crypto/bundle';
import { CryptoError } from '../../../shared/crypto/errors';
import { sessionEncrypt, sessionInitiate } from '../../../shared/crypto/session';
import { addressKey, normalizeUsername, type Address, type DeviceMismatch } from '../../../shared/protocol';
import { CodedError, KeyedQueue } from '../../../shared/base';
import { contactView } from '../contacts/contactView';
import { observeAccountDevice, type IdentityOutcome, type Peer } from '../contacts/identityTrust';
import { announceLinkedDevices } from '../contacts/linkedDeviceNotice';
import { speaksForAccount } from '../devices/deviceCertificates';
import type { MessagingContext } from '../messaging/context';
import { wrapPayload } from '../messaging/payload';
import { checkMismatches, knownDevicesOf } from '../messaging/send/knownDevices';
import { withSessions } from './SessionStore';
import { DevicesChangedError, idHint, type SendOptions } from '../transport';

export class NoSessionError extends CodedError<'no_session'> {
  override readonly name = 'NoSessionError';
}

/** How often a device that lost its session is given another try (a bundle fetch) when sending to its user. */
export const SESSION_REPAIR_INTERVAL_MS = 10 * 60 * 1000;
/** How long a user's device list, as the relay gave it, is taken as current when sending to them. */
export const DEVICE_LIST_TTL_MS = 10 * 1000;

export class PairwiseChannel {
  private readonly userLock = new KeyedQueue();
  private readonly repairedAt = new Map<string, number>();
  private readonly listedAt = new Map<string, number>();

  constructor(private readonly ctx: MessagingContext) {}

  /**
   * Fetches a bundle for every device of `user` and starts a session with each device that has none (or every
   * device, with `all`). Each bundle must verify; its identity key goes through trust on first use. Throws the
   * relay's TransportError (unknown_user, no_prekeys, offline...) or CryptoError('bad_bundle') if none verifies.
   */
  establish(user: string, options: { all?: boolean; contact?: boolean } = {}): Promise<Peer> {
    const username = normalizeUsername(user);
    return this.userLock.run(username, () => this.establishNow(username, options));
  }

  /**
   * Every device of `user` we can encrypt to, starting sessions first if there are none. A known device without a
   * session (its record was unreadable) is retried now and then, without holding up the devices that work.
   */
  async devicesOf(user: string): Promise<Address[]> {
    const username = normalizeUsername(user);
    await this.followDeviceList(username);
    const ready = await this.devicesWithSessions(username);
    if (ready.length === 0) {
      await this.establish(username);
      return this.devicesWithSessions(username);
    }
    const known = this.ctx.peers.get(username)?.devices.length ?? 0;
    const last = this.repairedAt.get(username) ?? -Infinity;
    if (known > ready.length && this.ctx.now() - last > SESSION_REPAIR_INTERVAL_MS) {
      this.repairedAt.set(username, this.ctx.now());
      try {
        await this.establish(username);
        return await this.devicesWithSessions(username);
      } catch (error) {
        this.ctx.logger.warn('session.repair_failed', { user: idHint(username), code: (error as { code?: string }).code ?? 'unknown' });
      }
    }
    return ready;
  }

  /** How many other devices this account has, as the relay last listed them (refreshed as for any user). */
  async ownOtherDevices(): Promise<number> {
    await this.followDeviceList(this.ctx.me.user);
    return this.ctx.peers.get(this.ctx.me.user)?.devices.filter((d) => d.device !== this.ctx.me.device).length ?? 0;
  }

  /** Encrypts for one device; resolves with the relay payload once the advanced session state is durable. */
  async encrypt(address: Address, plaintext: Uint8Array): Promise<Uint8Array> {
    const { message, stored } = await this.ctx.deviceLock.run(deviceKey(address), async () => {
      const record = await this.ctx.sessions.load(address);
      const active = record.sessions[0];
      if (!active) throw new NoSessionError('no_session', 'no session with this device');
      const result = sessionEncrypt(this.ctx.provider, active, plaintext);
      const next = { ...record, sessions: [result.session, ...record.sessions.slice(1)] };
      return { message: result.message, stored: this.ctx.sessions.save(address, next) };
    });
    await stored;
    return wrapPayload(message);
  }

  /**
   * Sends `plaintext` to every device of `user`, each copy under its own relay id, in checked sends (unless
   * ephemeral). Resolves once the relay holds every copy; rejects with the first failure (a retry resends all, and
   * the relay drops the copies it has). When the relay says the user's devices changed (or a device is gone), this
   * device follows it and sends once more, to the devices it has then.
   */
  async sendToUser(user: string, plaintext: Uint8Array, relayIdFor: (device: Address) => string, options: SendOptions = {}): Promise<void> {
    const username = normalizeUsername(user);
    let devices = await this.devicesOf(username);
    let payloads: Uint8Array[];
    try {
      payloads = await Promise.all(devices.map((device) => this.encrypt(device, plaintext)));
    } catch (error) {
      if (!(error instanceof NoSessionError)) throw error;
      // A session went away meanwhile (an identity change): start new ones once, then go on.
      await this.establish(username);
      devices = await this.devicesWithSessions(username);
      payloads = await Promise.all(devices.map((device) => this.encrypt(device, plaintext)));
    }
    const known = options.ephemeral ? undefined : knownDevicesOf((name) => this.ctx.peers.get(name), this.ctx.me, [username]);
    const sent = await Promise.allSettled(devices.map((device, i) => this.ctx.relay.send(relayIdFor(device), [device], payloads[i]!, { ...options, known })));
    const failure = firstFailure(sent);
    if (failure === undefined) return;
    let stale = new Set<number>();
    if (failure instanceof DevicesChangedError && known !== undefined) {
      const mismatches = checkMismatches(failure.devices, known, this.ctx.me);
      await this.correctDevices(mismatches);
      stale = new Set(mismatches.flatMap((m) => m.stale));
    } else if ((failure as { code?: string }).code === 'unknown_recipient') {
      // A device was removed after the check (or the send was not checked): follow the relay's list now.
      this.listedAt.delete(username);
      await this.followDeviceList(username);
    } else {
      throw failure;
    }
    // Once more, unchecked: a copy made for a device that kept its key goes as it was (the relay stored none, or
    // drops the resend of one it has); new and re-keyed devices get copies under their new sessions.
    const copies = await Promise.all(
      (await this.devicesWithSessions(username)).map(async (device) => {
        const i = devices.findIndex((d) => d.device === device.device);
        return { device, payload: i >= 0 && !stale.has(device.device) ? payloads[i]! : await this.encrypt(device, plaintext) };
      }),
    );
    await Promise.all(copies.map(({ device, payload }) => this.ctx.relay.send(relayIdFor(device), [device], payload, options)));
    this.ctx.logger.info('devices.corrected_and_resent', { user: idHint(username), copies: copies.length });
  }

  /**
   * Follows the relay's word on accounts' devices (already checked against what was sent): extra devices are
   * forgotten with their sessions, missing and stale ones get sessions from fresh bundles, verified as ever. A stale
   * device lost the sender keys it was given with its old sessions: every group gives it its key again.
   */
  async correctDevices(mismatches: readonly DeviceMismatch[]): Promise<void> {
    for (const { user, missing, extra, stale } of mismatches) {
      if (extra.length > 0) await this.forgetDevices(user, extra);
      if (missing.length + stale.length > 0) await this.establish(user);
      const rekeyed = stale.map((device) => addressKey({ user, device }));
      if (rekeyed.length > 0) for (const group of this.ctx.groups.all()) await this.ctx.senderKeys.forgetDistributedTo(group.groupId, rekeyed);
    }
  }

  /** The user's devices changed (this device linked one): the next send asks the relay again instead of waiting out the TTL. */
  forgetDeviceList(user: string): void {
    this.listedAt.delete(normalizeUsername(user));
  }

  /**
   * Keeps the user's devices as the relay lists them (at most every DEVICE_LIST_TTL_MS): removed devices are
   * forgotten with their sessions, devices not known yet get sessions (their certificates checked in establish).
   * Never this device. A failure leaves things as they were.
   */
  private async followDeviceList(username: string): Promise<void> {
    const { ctx } = this;
    const last = this.listedAt.get(username) ?? -Infinity;
    if (ctx.now() - last < DEVICE_LIST_TTL_MS) return;
    const peer = ctx.peers.get(username);
    if (!peer && username !== ctx.me.user) return;
    let listed: number[];
    try {
      listed = (await ctx.relay.listDevices(username)).devices.map((d) => d.device);
    } catch (error) {
      ctx.logger.warn('devices.list_failed', { user: idHint(username), code: (error as { code?: string }).code ?? 'unknown' });
      return;
    }
    this.listedAt.set(username, ctx.now());
    const isSelf = (device: number) => username === ctx.me.user && device === ctx.me.device;
    const gone = (peer?.devices ?? []).filter((d) => !listed.includes(d.device)).map((d) => d.device);
    const fresh = listed.filter((device) => !isSelf(device) && !peer?.devices.some((d) => d.device === device));
    if (gone.length > 0) await this.forgetDevices(username, gone);
    if (fresh.length > 0) {
      try {
        await this.establish(username);
      } catch (error) {
        ctx.logger.warn('devices.new_unreachable', { user: idHint(username), code: (error as { code?: string }).code ?? 'unknown' });
      }
    }
  }

  /** Devices of `username` that no longer exist: dropped from its record, their sessions with them. */
  private async forgetDevices(username: string, gone: readonly number[]): Promise<void> {
    const { ctx } = this;
    await ctx.peers.update(username, (p) => (p ? { ...p, devices: p.devices.filter((d) => !gone.includes(d.device)) } : p));
    for (const device of gone) {
      const address = { user: username, device };
      await ctx.deviceLock.run(deviceKey(address), async () => ctx.sessions.save(address, withSessions(await ctx.sessions.load(address), [])));
    }
    ctx.logger.info('devices.forgotten', { user: idHint(username), count: gone.length });
  }

  private async devicesWithSessions(username: string): Promise<Address[]> {
    const peer = this.ctx.peers.get(username);
    if (!peer) return [];
    const devices: Address[] = [];
    for (const { device } of peer.devices) {
      const address = { user: username, device };
      if ((await this.ctx.sessions.load(address)).sessions.length > 0) devices.push(address);
    }
    return devices;
  }

  private async establishNow(username: string, options: { all?: boolean; contact?: boolean }): Promise<Peer> {
    const { ctx } = this;
    const before = ctx.peers.get(username);
    const fetched = await ctx.relay.fetchPrekeys(username);
    let started = 0;
    let rejected: unknown;
    for (const { device, bundle, certificate } of fetched.devices) {
      const address = { user: username, device };
      try {
        verifyPreKeyBundle(ctx.provider, bundle);
        if (!speaksForAccount(ctx.provider, username, fetched.accountKey, bundle.identityKey, certificate)) {
          throw new CryptoError('bad_bundle', 'the device key is not certified by the account key');
        }
      } catch (error) {
        rejected = error;
        ctx.logger.warn('session.bundle_rejected', { device, code: error instanceof CryptoError ? error.code : 'unknown' });
        continue;
      }
      const outcome = await this.trust(username, device, bundle.identityKey, fetched.accountKey, options.contact ?? false);
      if (outcome === 'foreign_account') {
        ctx.logger.warn('session.bundle_rejected', { device, code: 'foreign_account' });
        continue;
      }
      // Sessions bound to a key that is no longer (or, while held, not yet) the device's are of no use.
      const keyChanged = outcome === 'changed' || outcome === 'changed_held' || outcome === 'relinked';
      const existing = keyChanged ? [] : (await ctx.sessions.load(address)).sessions;
      if (existing.length > 0 && !options.all) {
        started++;
        continue;
      }
      const session = sessionInitiate(ctx.provider, ctx.identity, bundle);
      await ctx.deviceLock.run(deviceKey(address), async () => {
        const record = await ctx.sessions.load(address);
        await ctx.sessions.save(address, withSessions(record, [session, ...(keyChanged ? [] : record.sessions)]));
      });
      started++;
      ctx.logger.info('session.started', { device, user: idHint(username) });
    }
    if (started === 0) throw rejected ?? new CryptoError('bad_bundle', 'no device of this user has a usable prekey bundle');
    const peer = await ctx.peers.update(username, (p) => (p && options.contact && !p.contact ? { ...p, contact: true } : p));
    if (!peer) throw new CryptoError('bad_bundle', 'no device of this user has a usable prekey bundle');
    announceLinkedDevices(ctx, before, peer);
    return peer;
  }

  /** Records what the device's identity key means for trust; announces changes of contacts. */
  private async trust(username: string, device: number, identityKey: Uint8Array, accountKey: Uint8Array, contact: boolean): Promise<IdentityOutcome> {
    const seen: { outcome: IdentityOutcome } = { outcome: 'unchanged' };
    const now = this.ctx.now();
    const peer = await this.ctx.peers.update(username, (current) => {
      const observed = observeAccountDevice(current, username, device, identityKey, accountKey, now);
      seen.outcome = observed.outcome;
      const next = contact && !observed.peer.contact ? { ...observed.peer, contact: true } : observed.peer;
      return next === current ? undefined : next;
    });
    const { outcome } = seen;
    if (outcome === 'changed' || outcome === 'changed_held') {
      this.ctx.logger.warn('contact.identity_changed', { user: idHint(username), device, held: outcome === 'changed_held' });
    }
    if (peer?.contact && outcome !== 'unchanged') this.ctx.contactChanged(contactView(peer));
    return outcome;
  }
}

export function deviceKey(address: Address): string {
  return `${normalizeUsername(address.user)}.${address.device}`;
}

/** The first rejection among settled sends, if any. */
export function firstFailure(results: readonly PromiseSettledResult<unknown>[]): unknown {
  for (const result of results) if (result.status === 'rejected') return result.reason as unknown;
  return undefined;
}
