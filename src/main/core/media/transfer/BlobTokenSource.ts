// Where the transfer engine gets its blob tokens: over the authenticated relay connection in the app, straight from
// the relay's BlobAccess in tests. The engine never makes or checks a token itself.

export interface IssuedBlobToken {
  blobId: string;
  token: string;
}

export interface BlobTokenSource {
  /** A new blob id and a token to upload exactly `size` bytes. */
  uploadToken(size: number): Promise<IssuedBlobToken>;
  /** A fresh token for an unfinished upload of this device. */
  resumeToken(blobId: string): Promise<IssuedBlobToken>;
  /** A token to download a blob this device uploaded or was granted; rejects with blob_unavailable otherwise. */
  downloadToken(blobId: string): Promise<IssuedBlobToken>;
}
