// Profiles, end to end (docs/protocol.md "Profiles", docs/security.md §20): the user's display name and photo are
// encrypted under a fresh key into a blob on the relay, and the blob's pointer with that key travels inside the
// messages the user writes, so only the people they write to (and their own other devices) can read it. The relay
// stores ciphertext it cannot open and lets only the devices it was granted to download it.
//
// Receiving: a message carrying a pointer this device has not read yet queues a download (one at a time per sender);
// the document is checked like any untrusted input before the renderer hears of it. A failed download is not tried
// again for the same pointer until the app restarts; the next profile change brings a new pointer anyway.
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AppError, type IpcEvents, type ProfileView, type SetOwnProfile } from '../../../shared/ipc';
import { addressKey, type Address } from '../../../shared/protocol';
import { KeyedQueue } from '../../../shared/base';
import { fromBase64 } from '../../../shared/encoding/base64';
import { AttachmentDecryptor } from '../media/cipher/AttachmentDecryptor';
import type { BlobTokenSource } from '../media/transfer/BlobTokenSource';
import { encryptAndUpload } from '../media/transfer/encryptAndUpload';
import { downloadBlob } from '../media/transfer/rangeDownload';
import type { Logger } from '../transport';
import type { Vault } from '../vault';
import { checkedAvatar, decodeProfileDocument, encodeProfileDocument, ProfileDocumentError, type ProfileContent } from './profileDocument';
import type { ProfileCopies } from './profileCopies';
import { samePointer, type ProfilePointerData } from './ProfilePointer';
import { ProfileStore } from './ProfileStore';

/** The relay keeps blobs 30 days by default: the profile is uploaded again well before that. */
export const PROFILE_REFRESH_MS = 7 * 24 * 60 * 60 * 1000;
const PROFILES_DIR = 'profiles';
/** Most devices one grant names (the relay's limit, as for attachments). */
const MAX_PER_GRANT = 1000;

export interface ProfilesOptions {
  vault: Vault;
  dataDir: string;
  /** This user (normalized). */
  me: string;
  endpoint: () => URL;
  tokens: BlobTokenSource;
  grantBlob(blobId: string, to: readonly Address[]): Promise<void>;
  isOnline(): boolean;
  events: IpcEvents;
  logger: Logger;
  now(): number;
}

export class Profiles {
  private readonly fetches = new KeyedQueue();
  private readonly failed = new Map<string, string>();
  /** Devices granted the current own profile blob (repeats are harmless; this only saves round trips). */
  private granted = new Set<string>();
  private refreshing: Promise<void> | undefined;

  private constructor(
    private readonly options: ProfilesOptions,
    private readonly store: ProfileStore,
    private readonly dir: string,
  ) {}

  static async open(options: ProfilesOptions): Promise<Profiles> {
    const dir = join(options.dataDir, PROFILES_DIR);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new Profiles(options, await ProfileStore.open(options.vault, options.logger), dir);
  }

  list(): { own: ProfileView | null; others: ProfileView[] } {
    return { own: this.store.ownView(this.options.me), others: this.store.peerViews() };
  }

  /** Checks, encrypts and uploads the user's profile; from now on the messages they write share it. */
  async setOwn(request: SetOwnProfile): Promise<ProfileView> {
    if (!this.options.isOnline()) throw new AppError('offline', { id: 'offline.try_again' }, true);
    let avatar: ProfileContent['avatar'] = null;
    if (request.avatar) {
      try {
        avatar = await checkedAvatar(request.avatar.type, fromBase64(request.avatar.data));
      } catch {
        throw new AppError('invalid_request', { id: 'profile.bad_photo' });
      }
    }
    await this.upload({ name: request.name.normalize('NFC').trim(), avatar }, this.options.now());
    const view = this.store.ownView(this.options.me)!;
    this.options.events.emit('profiles.changed', view);
    return view;
  }

  /** The pointer the content this user writes carries; starts a fresh upload in the background when it is old. */
  outgoingPointer(): ProfilePointerData | undefined {
    const own = this.store.ownProfile();
    if (!own) return undefined;
    if (this.options.now() - own.uploadedAt > PROFILE_REFRESH_MS && !this.refreshing) {
      this.refreshing = this.upload(own, own.updatedAt)
        .catch((error: unknown) => this.options.logger.warn('profile.refresh_failed', { code: codeOf(error) }))
        .finally(() => (this.refreshing = undefined));
    }
    return own.pointer;
  }

  /** Lets the devices a message goes to download the profile it points at (before it is sent). */
  async grantTo(devices: readonly Address[]): Promise<void> {
    const own = this.store.ownProfile();
    if (!own) return;
    const fresh = devices.filter((device) => !this.granted.has(addressKey(device)));
    for (let start = 0; start < fresh.length; start += MAX_PER_GRANT) {
      const batch = fresh.slice(start, start + MAX_PER_GRANT);
      await this.options.grantBlob(own.pointer.blobId, batch);
      for (const device of batch) this.granted.add(addressKey(device));
    }
  }

  /** A message from `user` carried `pointer`: read the profile behind it unless this device already has. */
  noticed(user: string, pointer: ProfilePointerData): void {
    if (user === this.options.me ? samePointer(this.store.ownProfile()?.pointer, pointer) : this.store.peerBlob(user) === pointer.blobId) return;
    if (this.failed.get(user) === pointer.blobId) return;
    void this.fetches.run(user, () => this.fetch(user, pointer)).catch((error: unknown) => {
      this.failed.set(user, pointer.blobId);
      this.options.logger.warn('profile.fetch_failed', { code: codeOf(error) });
    });
  }

  /** What a history archive carries to a device being linked. */
  copies(): ProfileCopies {
    const own = this.store.ownProfile();
    return {
      own: own ? { document: encodeProfileDocument(own), pointer: own.pointer, updatedAt: own.updatedAt, uploadedAt: own.uploadedAt } : null,
      peers: this.store.peerProfiles().map(({ username, profile, blobId, updatedAt }) => ({ username, document: encodeProfileDocument(profile), blobId, updatedAt })),
    };
  }

  /**
   * A newly linked device takes the archive's profiles it has none of yet (one that arrived with a message meanwhile
   * is newer). Each document is checked as one downloaded from the relay; one that fails is skipped, the rest kept.
   */
  async adoptCopies(copies: ProfileCopies): Promise<void> {
    const { me } = this.options;
    if (copies.own && !this.store.ownProfile()) {
      const profile = await this.checked(copies.own.document);
      if (profile) {
        await this.store.setOwn({ ...profile, pointer: copies.own.pointer, uploadedAt: copies.own.uploadedAt, updatedAt: copies.own.updatedAt });
        this.options.events.emit('profiles.changed', this.store.ownView(me)!);
      }
    }
    for (const copy of copies.peers) {
      if (copy.username === me || this.store.peerBlob(copy.username) !== undefined) continue;
      const profile = await this.checked(copy.document);
      if (profile) this.options.events.emit('profiles.changed', await this.store.setPeer(copy.username, profile, copy.blobId, copy.updatedAt));
    }
  }

  private async checked(document: Uint8Array): Promise<ProfileContent | undefined> {
    try {
      return await decodeProfileDocument(document);
    } catch (error) {
      if (!(error instanceof ProfileDocumentError)) throw error;
      this.options.logger.warn('profile.copy_refused', { code: codeOf(error) });
      return undefined;
    }
  }

  private async fetch(user: string, pointer: ProfilePointerData): Promise<void> {
    if (user === this.options.me ? samePointer(this.store.ownProfile()?.pointer, pointer) : this.store.peerBlob(user) === pointer.blobId) return;
    const file = join(this.dir, `fetch-${pointer.blobId}.pat`);
    let profile: ProfileContent;
    try {
      const { key, size, chunkBytes, digest } = pointer;
      await downloadBlob({ endpoint: this.options.endpoint(), blobId: pointer.blobId, file, tokens: this.options.tokens, key, size, chunkBytes, digest });
      profile = await decodeProfileDocument(await decryptFile(file, pointer));
    } finally {
      await rm(file, { force: true });
    }
    const now = this.options.now();
    if (user === this.options.me) {
      // Set on another of this user's devices: this one shares the same copy from now on.
      await this.store.setOwn({ ...profile, pointer, uploadedAt: now, updatedAt: now });
      this.granted = new Set();
      this.options.events.emit('profiles.changed', this.store.ownView(user)!);
      return;
    }
    this.options.events.emit('profiles.changed', await this.store.setPeer(user, profile, pointer.blobId, now));
  }

  private async upload(profile: ProfileContent, updatedAt: number): Promise<void> {
    const document = encodeProfileDocument(profile);
    const file = join(this.dir, 'own-upload.pat');
    try {
      const { attachment, blobId } = await encryptAndUpload({
        source: Readable.from([Buffer.from(document)]),
        plaintextSize: document.length,
        file,
        endpoint: this.options.endpoint(),
        tokens: this.options.tokens,
      });
      const pointer = { blobId, key: attachment.key, digest: attachment.digest, size: attachment.size, chunkBytes: attachment.chunkBytes };
      await this.store.setOwn({ ...profile, pointer, uploadedAt: this.options.now(), updatedAt });
      this.granted = new Set();
    } finally {
      await rm(file, { force: true });
    }
  }
}

/** The whole (small, already verified) profile blob, decrypted in memory: nothing decrypted touches the disk. */
async function decryptFile(file: string, pointer: ProfilePointerData): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  const decryptor = new AttachmentDecryptor({ key: pointer.key, size: pointer.size, chunkBytes: pointer.chunkBytes, digest: pointer.digest });
  for await (const chunk of createReadStream(file).pipe(decryptor)) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

function codeOf(error: unknown): string {
  if (error instanceof ProfileDocumentError) return 'bad_profile';
  return (error as { code?: string }).code ?? 'unknown';
}
