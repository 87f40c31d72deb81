// Where a user's encrypted profile is (content.proto's ProfilePointer, docs/protocol.md "Profiles"): the blob on the
// relay and the key that opens it. It holds a key, so it lives only in main: in the vault and inside end-to-end
// ciphertexts, never in the renderer.

export interface ProfilePointerData {
  blobId: string;
  key: Uint8Array;
  digest: Uint8Array;
  /** Plaintext bytes of the ProfileDocument. */
  size: number;
  chunkBytes: number;
}

/** Largest ProfileDocument: a name and a 64 KiB photo fit with room to spare. */
export const MAX_PROFILE_DOCUMENT_BYTES = 96 * 1024;

export function samePointer(a: ProfilePointerData | undefined, b: ProfilePointerData | undefined): boolean {
  return a !== undefined && b !== undefined && a.blobId === b.blobId && Buffer.from(a.digest).equals(Buffer.from(b.digest));
}
