// The relay's record of every blob: who uploaded it, how large it is, when it finished and expires, and which
// devices it was granted to. Quota and "a device fetches only what it was sent" are decided here. One interface,
// so a shared store (Redis) can hold it when several relays share an object store; SQLite is the default.
import type { Address } from '../../shared/protocol';

export interface BlobRecord {
  id: string;
  /** The uploading device (normalized). */
  owner: Address;
  /** Ciphertext bytes, declared at creation. */
  size: number;
  createdAt: number;
  /** Last upload activity; an unfinished blob idle for longer than the abandon time is collected. */
  touchedAt: number;
  completedAt: number | null;
  expiresAt: number | null;
}

export interface NewBlob {
  id: string;
  owner: Address;
  size: number;
  now: number;
}

export type ReserveOutcome = 'reserved' | 'quota_exceeded' | 'exists';

export interface BlobIndex {
  /** Records a new upload if the owner's user stays within `quotaBytes` counting it; atomic. */
  reserve(blob: NewBlob, quotaBytes: number): Promise<ReserveOutcome>;
  touch(id: string, now: number): Promise<void>;
  complete(id: string, now: number, expiresAt: number): Promise<void>;
  find(id: string): Promise<BlobRecord | undefined>;
  /** Lets these devices fetch the blob (repeats are ignored). */
  grant(id: string, recipients: readonly Address[]): Promise<void>;
  isGranted(id: string, device: Address): Promise<boolean>;
  /** Bytes held for a user's blobs, finished or not. */
  usedBytes(user: string): Promise<number>;
  remove(id: string): Promise<void>;
  /** Finished blobs whose expiry is at or before `now`, oldest first. */
  expired(now: number, limit: number): Promise<string[]>;
  /** Unfinished uploads with no activity since `before`. */
  abandoned(before: number, limit: number): Promise<string[]>;
  close(): Promise<void>;
}
