// Profiles as a history archive carries them to a newly linked device (docs/protocol.md "History archive"): each as
// its serialized ProfileDocument, which the new device checks exactly as one downloaded from the relay.
import type { ProfilePointerData } from './ProfilePointer';

/** The user's own profile and where its copy on the relay is (the new device shares that copy). */
export interface OwnProfileCopy {
  document: Uint8Array;
  pointer: ProfilePointerData;
  updatedAt: number;
  uploadedAt: number;
}

/** A profile someone shared with the user, and the blob it came from. */
export interface PeerProfileCopy {
  username: string;
  document: Uint8Array;
  blobId: string;
  updatedAt: number;
}

export interface ProfileCopies {
  own: OwnProfileCopy | null;
  peers: PeerProfileCopy[];
}
