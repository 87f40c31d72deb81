// Checks a downloaded update before it may be installed: the file must be one the feed lists (by its SHA-512),
// carry a Parley release signature in the feed, and that signature must verify over the file's SHA-256 and the
// offered version with the key this build trusts — and the version must still be newer than this one.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fromBase64, isBase64 } from '../../../shared/encoding/base64';
import type { UpdateChannel } from '../../../shared/ipc';
import { verifyRelease } from './releaseSignature';
import { releaseRefusal } from './updatePolicy';

/** A release as the feed offers it (electron-builder's latest*.yml), plus Parley's signature per file. */
export interface OfferedRelease {
  version: string;
  files: readonly OfferedFile[];
}

export interface OfferedFile {
  url: string;
  /** base64 SHA-512, electron-builder's field (electron-updater checks it while downloading). */
  sha512: string;
  /** base64 Ed25519 signature by Parley's release key (scripts/release-sign.ts); unknown to electron-builder. */
  signature?: string;
}

export type DownloadRefusal = 'not_in_feed' | 'unsigned' | 'bad_signature' | 'not_newer' | 'unreadable';

export interface VerifyOptions {
  file: string;
  release: OfferedRelease;
  publicKey: Uint8Array;
  currentVersion: string;
  channel: UpdateChannel;
}

export async function verifyDownload(options: VerifyOptions): Promise<DownloadRefusal | null> {
  if (releaseRefusal(options.currentVersion, options.release.version, options.channel) !== null) return 'not_newer';
  let digests: { sha256: Uint8Array; sha512: string };
  try {
    digests = await hashFile(options.file);
  } catch {
    return 'unreadable';
  }
  const entry = options.release.files.find((file) => file.sha512 === digests.sha512);
  if (!entry) return 'not_in_feed';
  if (typeof entry.signature !== 'string' || !isBase64(entry.signature)) return 'unsigned';
  const signature = fromBase64(entry.signature);
  return verifyRelease(options.publicKey, options.release.version, digests.sha256, signature) ? null : 'bad_signature';
}

async function hashFile(path: string): Promise<{ sha256: Uint8Array; sha512: string }> {
  const sha256 = createHash('sha256');
  const sha512 = createHash('sha512');
  for await (const chunk of createReadStream(path)) {
    sha256.update(chunk as Buffer);
    sha512.update(chunk as Buffer);
  }
  return { sha256: new Uint8Array(sha256.digest()), sha512: sha512.digest('base64') };
}
