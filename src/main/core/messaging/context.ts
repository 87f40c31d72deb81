// Everything the messaging parts share: who this device is, the stores in the vault, the relay, the event sink.
// Built once per account by Messenger; the parts take it as a plain constructor parameter.
import type { IdentityKeyPair } from '../../../shared/crypto/identity';
import type { CryptoProvider } from '../../../shared/crypto/provider';
import type { ContactView, IpcEvents, JoinOutcome } from '../../../shared/ipc';
import type { Address } from '../../../shared/protocol';
import type { KeyedQueue } from '../../../shared/base';
import type { PeerStore } from '../contacts/PeerStore';
import type { GroupStore } from '../groups/GroupStore';
import type { JoinInbox } from '../groups/invites/JoinInbox';
import type { UndoneAdmissions } from '../groups/invites/UndoneAdmissions';
import type { MessageAttachments } from '../media/MessageAttachments';
import type { SenderKeyStore } from '../groups/SenderKeyStore';
import type { PreKeyStore } from '../prekeys/PreKeyStore';
import type { Profiles } from '../profiles/Profiles';
import type { SessionStore } from '../sessions/SessionStore';
import type { Logger } from '../transport';
import type { Vault } from '../vault';
import type { Inbox } from './Inbox';
import type { RecentGroupSenders } from './RecentGroupSenders';
import type { ReceivedHandOver } from './ReceivedHandOver';
import type { RelayPort } from './RelayPort';

export interface MessagingContext {
  readonly provider: CryptoProvider;
  /** This device's identity key (Ed25519, with its X25519 form). */
  readonly identity: IdentityKeyPair;
  /** This device: normalized username and device id. */
  readonly me: Address;
  /** This account's key: the primary's identity key (this device's own, on the primary). Safety numbers use it. */
  readonly accountKey: Uint8Array;
  readonly vault: Vault;
  readonly sessions: SessionStore;
  readonly prekeys: PreKeyStore;
  readonly peers: PeerStore;
  readonly groups: GroupStore;
  readonly senderKeys: SenderKeyStore;
  readonly inbox: Inbox;
  /** Files on the message path: pointers and grants for sends, records for what arrives. */
  readonly attachments: MessageAttachments;
  /** This user's profile, shared on what they write, and the profiles shared with them. */
  readonly profiles: Profiles;
  /** Senders of recent group messages, for sending receipts back to them alone. */
  readonly recentGroupSenders: RecentGroupSenders;
  readonly relay: RelayPort;
  readonly events: IpcEvents;
  /** Where messages for the renderer to store go (`messages.received`), and what `messages.pending` answers. */
  readonly received: ReceivedHandOver;
  readonly logger: Logger;
  /** Serializes every change to one remote device's sessions (sends and receives alike). */
  readonly deviceLock: KeyedQueue;
  /** Most recipients one relay `send` may name (the relay's PARLEY_RELAY_MAX_RECIPIENTS default). */
  readonly maxRecipientsPerSend: number;
  now(): number;
  /** Announces a contact's new state to the renderer (only for peers listed as contacts). */
  contactChanged(view: ContactView): void;
  /** A group's state changed here: content that waited for it is tried again. */
  groupChanged(groupId: string): void;
  /** Join requests from invite links, stored by the receive path before their sessions move on. */
  readonly joinInbox: JoinInbox;
  /** Link admissions of this user's that every member now skips: their joiners are owed a `used_up` answer. */
  readonly undoneAdmissions: UndoneAdmissions;
  /** Join requests or owed answers were stored: the admin's side works through them. */
  joinWorkQueued(): void;
  /** An admin's device answered a join request this device sent. */
  joinAnswered(from: Address, groupId: string, outcome: JoinOutcome): void;
}
