// A group invite as it travels in a parley://join/<token> link: what the joiner needs to ask (the group, the admin
// who made it and that admin's device, the group's admins then) and the terms the admin set (expiry, use count,
// approval), signed with that device's Ed25519 identity key. Anyone holding the link may read it (the group's name
// and its admins are in it, as the join dialog shows them); only the signing device can make one, and every admin's
// device still checks the group's copy of the link before anyone joins (revoked, used up). Pure: bytes in, bytes
// out; never trusts a token it did not verify.
import { CodedError } from '../../../../shared/base';
import { concatBytes } from '../../../../shared/crypto/bytes';
import type { CryptoProvider, KeyPair } from '../../../../shared/crypto/provider';
import { utf8Decode, utf8Encode } from '../../../../shared/encoding/utf8';
import { GroupId, GroupName, InviteLinkToken, MAX_INVITE_USES } from '../../../../shared/ipc';
import { DeviceId, Username, normalizeUsername } from '../../../../shared/protocol';

export const INVITE_TOKEN_VERSION = 2;
/** Domain separation: an invite signature can never pass for any other signature the identity key makes. */
const SIGNATURE_CONTEXT = utf8Encode('parley group invite v2\n');
/** Admins a token names: the joiner asks each of them (the inviter first, then others in sorted order). */
export const MAX_TOKEN_ADMINS = 8;
const ID_BYTES = 16;
const SIGNATURE_BYTES = 64;

export interface InviteTerms {
  groupId: string;
  /** 16 random bytes, base64url: names the admin device's record of this invite. */
  inviteId: string;
  /** The admin who made it (normalized), and the device that signed it and keeps its record. */
  inviter: string;
  inviterDevice: number;
  /** The group's name when the link was made, for the join dialog. */
  groupName: string;
  /** Epoch ms, whole seconds. */
  expiresAt: number;
  /** 0: any number of people may join with it. */
  maxUses: number;
  /** An admin approves each join; otherwise the admin's device adds the joiner at once. */
  approval: boolean;
  /** The group's admins when the link was made (the inviter among them): the joiner's request goes to each. */
  admins: string[];
}

export interface ReadInvite {
  terms: InviteTerms;
  /** The signed bytes and the signature, for verifyInvite. */
  signed: Uint8Array;
  signature: Uint8Array;
}

export class InviteTokenError extends CodedError<'bad_invite'> {
  override readonly name = 'InviteTokenError';
  constructor(detail: string) {
    super('bad_invite', `This invite link is not valid (${detail}).`);
  }
}

/** Signs the terms with the admin device's identity key and returns the link's token (base64url). */
export function signInvite(provider: CryptoProvider, identity: KeyPair, terms: InviteTerms): string {
  const body = encodeTerms(terms);
  const signature = provider.ed25519Sign(identity, concatBytes(SIGNATURE_CONTEXT, body));
  return Buffer.from(concatBytes(body, signature)).toString('base64url');
}

/** Parses a token; throws InviteTokenError for anything that is not exactly a v2 invite. Does not verify. */
export function readInvite(token: string): ReadInvite {
  if (!InviteLinkToken.safeParse(token).success) throw new InviteTokenError('not a token');
  const bytes = new Uint8Array(Buffer.from(token, 'base64url'));
  if (Buffer.from(bytes).toString('base64url') !== token) throw new InviteTokenError('not canonical base64url');
  if (bytes.length <= SIGNATURE_BYTES) throw new InviteTokenError('too short');
  const body = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  return { terms: decodeTerms(body), signed: concatBytes(SIGNATURE_CONTEXT, body), signature: bytes.slice(bytes.length - SIGNATURE_BYTES) };
}

/** Whether the invite was signed by the device whose identity key is `publicKey`. */
export function verifyInvite(provider: CryptoProvider, publicKey: Uint8Array, invite: ReadInvite): boolean {
  return provider.ed25519Verify(publicKey, invite.signed, invite.signature);
}

// version u8 ‖ group id (16) ‖ invite id (16) ‖ inviter device u32 ‖ expires (seconds) u32 ‖ max uses u16 ‖
// flags u8 (bit 0: approval) ‖ inviter length u8 ‖ inviter (ASCII) ‖ name length u16 ‖ name (UTF-8) ‖
// admin count u8 ‖ (admin length u8 ‖ admin (ASCII)) × count
function encodeTerms(terms: InviteTerms): Uint8Array {
  const inviter = utf8Encode(normalizeUsername(Username.parse(terms.inviter)));
  const name = utf8Encode(GroupName.parse(terms.groupName));
  const admins = terms.admins.map((a) => utf8Encode(normalizeUsername(Username.parse(a))));
  if (admins.length > MAX_TOKEN_ADMINS) throw new InviteTokenError('too many admins');
  const adminBytes = admins.reduce((sum, a) => sum + 1 + a.length, 1);
  const out = new Uint8Array(1 + 2 * ID_BYTES + 4 + 4 + 2 + 1 + 1 + inviter.length + 2 + name.length + adminBytes);
  const view = new DataView(out.buffer);
  let at = 0;
  out[at++] = INVITE_TOKEN_VERSION;
  out.set(idBytes(GroupId.parse(terms.groupId)), at);
  at += ID_BYTES;
  out.set(idBytes(terms.inviteId), at);
  at += ID_BYTES;
  view.setUint32(at, DeviceId.parse(terms.inviterDevice));
  at += 4;
  if (terms.expiresAt % 1000 !== 0 || terms.expiresAt <= 0 || terms.expiresAt / 1000 > 0xffff_ffff) throw new InviteTokenError('expiry');
  view.setUint32(at, terms.expiresAt / 1000);
  at += 4;
  if (!Number.isInteger(terms.maxUses) || terms.maxUses < 0 || terms.maxUses > MAX_INVITE_USES) throw new InviteTokenError('use count');
  view.setUint16(at, terms.maxUses);
  at += 2;
  out[at++] = terms.approval ? 1 : 0;
  out[at++] = inviter.length;
  out.set(inviter, at);
  at += inviter.length;
  view.setUint16(at, name.length);
  at += 2;
  out.set(name, at);
  at += name.length;
  out[at++] = admins.length;
  for (const admin of admins) {
    out[at++] = admin.length;
    out.set(admin, at);
    at += admin.length;
  }
  return out;
}

function decodeTerms(body: Uint8Array): InviteTerms {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > body.length) throw new InviteTokenError('truncated');
    const start = at;
    at += n;
    return start;
  };
  if (body[need(1)] !== INVITE_TOKEN_VERSION) throw new InviteTokenError('unknown version');
  const groupId = idText(body.subarray(need(ID_BYTES), at));
  const inviteId = idText(body.subarray(need(ID_BYTES), at));
  const inviterDevice = view.getUint32(need(4));
  const expiresAt = view.getUint32(need(4)) * 1000;
  const maxUses = view.getUint16(need(2));
  const flags = body[need(1)]!;
  const inviter = text(body.subarray(need(body[need(1)]!), at), 'inviter');
  const name = text(body.subarray(need(view.getUint16(need(2))), at), 'group name');
  const adminCount = body[need(1)]!;
  if (adminCount > MAX_TOKEN_ADMINS) throw new InviteTokenError('too many admins');
  const admins: string[] = [];
  for (let i = 0; i < adminCount; i++) admins.push(text(body.subarray(need(body[need(1)]!), at), 'admin'));
  if (at !== body.length) throw new InviteTokenError('trailing bytes');
  if (flags > 1) throw new InviteTokenError('unknown flags');
  if (!DeviceId.safeParse(inviterDevice).success || expiresAt === 0 || maxUses > MAX_INVITE_USES) throw new InviteTokenError('terms out of range');
  if (!Username.safeParse(inviter).success || inviter !== normalizeUsername(inviter)) throw new InviteTokenError('inviter');
  const groupName = GroupName.safeParse(name);
  if (!groupName.success || groupName.data !== name) throw new InviteTokenError('group name');
  if (!admins.includes(inviter) || new Set(admins).size !== admins.length || !admins.every((a) => Username.safeParse(a).success && a === normalizeUsername(a))) {
    throw new InviteTokenError('admins');
  }
  return { groupId, inviteId, inviter, inviterDevice, groupName: name, expiresAt, maxUses, approval: flags === 1, admins };
}

function idBytes(id: string): Uint8Array {
  const bytes = Buffer.from(id, 'base64url');
  if (bytes.length !== ID_BYTES || bytes.toString('base64url') !== id) throw new InviteTokenError('id');
  return new Uint8Array(bytes);
}

function idText(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function text(bytes: Uint8Array, what: string): string {
  try {
    return utf8Decode(bytes);
  } catch {
    throw new InviteTokenError(`${what} is not UTF-8`);
  }
}

