// One request at a time changes an upload on this relay: a PATCH (or a DELETE) that finds the upload busy is refused
// with 423 `upload_locked` (docs/protocol.md, "Blobs") instead of waiting or taking the upload over, so two
// writers never interleave their bytes. The holder lets go when its request ends; a request whose body stalls is
// ended by the PATCH handler's idle limit, so a half-open connection cannot hold an upload for long.
// Relays sharing one blob directory each lock only their own requests.
import type { Lock, Locker } from '@tus/utils';

export const UPLOAD_LOCKED = { status_code: 423, body: 'upload_locked\n' };

export class UploadLocks implements Locker {
  private readonly held = new Set<string>();

  /** Takes the upload's lock; false when another request holds it. */
  tryLock(id: string): boolean {
    if (this.held.has(id)) return false;
    this.held.add(id);
    return true;
  }

  unlock(id: string): void {
    this.held.delete(id);
  }

  /** The same locks for @tus/server's own handlers (termination): held is refused, never queued. */
  newLock(id: string): Lock {
    return {
      lock: async () => {
        if (!this.tryLock(id)) throw UPLOAD_LOCKED;
      },
      unlock: async () => this.unlock(id),
    };
  }
}
