// The code a device being linked shows (as text and as a QR code): its provisioning address on the relay, the public
// half of its ephemeral provisioning key, its identity key and the name it will have. Parsed strictly: anything
// that is not exactly this shape is refused with a reason, before anything is sent anywhere.
import { TextError, type ErrorTextId } from '../../../shared/ipc';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';

const PREFIX = 'parley-link:1:';
const ADDRESS = /^[A-Za-z0-9_-]{22}$/;
const KEY = /^[A-Za-z0-9_-]{43}$/;
const NAME = /^[A-Za-z0-9_-]{1,216}$/;

/** Longest device name, in characters. */
export const MAX_DEVICE_NAME_LENGTH = 40;

export interface LinkCode {
  /** The relay's provisioning address the new device waits at. */
  address: string;
  /** X25519 public key the provisioning message is sealed to. */
  provisioningKey: Uint8Array;
  /** The new device's Ed25519 identity key, which the primary certifies. */
  identityKey: Uint8Array;
  name: string;
}

export class LinkCodeError extends TextError<'bad_link_code'> {
  override readonly name = 'LinkCodeError';
}

export function formatLinkCode(code: LinkCode): string {
  return `${PREFIX}${code.address}:${base64Url(code.provisioningKey)}:${base64Url(code.identityKey)}:${base64Url(utf8Encode(code.name))}`;
}

/** A checked LinkCode, or LinkCodeError. Surrounding white space (a pasted line) is ignored. */
export function parseLinkCode(text: string): LinkCode {
  const trimmed = text.trim();
  if (trimmed.length > 512 || !trimmed.startsWith(PREFIX)) throw invalid('link_code.not_a_code');
  const parts = trimmed.slice(PREFIX.length).split(':');
  if (parts.length !== 4) throw invalid('link_code.incomplete');
  const [address, provisioningKey, identityKey, name] = parts as [string, string, string, string];
  if (!ADDRESS.test(address) || !KEY.test(provisioningKey) || !KEY.test(identityKey) || !NAME.test(name)) {
    throw invalid('link_code.damaged');
  }
  const deviceName = checkedDeviceName(decodeName(name));
  return { address, provisioningKey: fromBase64Url(provisioningKey), identityKey: fromBase64Url(identityKey), name: deviceName };
}

/** A device name as the user typed it, trimmed; LinkCodeError if it is empty, too long or has control characters. */
export function checkedDeviceName(name: string): string {
  const trimmed = name.trim();
  // eslint-disable-next-line no-control-regex
  if (trimmed.length === 0 || [...trimmed].length > MAX_DEVICE_NAME_LENGTH || /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(trimmed)) {
    throw new LinkCodeError('bad_link_code', { id: 'device.bad_name', params: { max: MAX_DEVICE_NAME_LENGTH } });
  }
  return trimmed;
}

function decodeName(encoded: string): string {
  try {
    return utf8Decode(fromBase64Url(encoded));
  } catch {
    throw invalid('link_code.damaged');
  }
}

function invalid(id: ErrorTextId): LinkCodeError {
  return new LinkCodeError('bad_link_code', { id });
}

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function fromBase64Url(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64url'));
}
