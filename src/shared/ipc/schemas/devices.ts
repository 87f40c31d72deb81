// Linked devices as the renderer sees them: this account's devices, the code a device being linked shows, and the
// state of linking on the new device (docs/security.md §18). No key material crosses: a code is public by design.
import { z } from 'zod';
import { DeviceId } from '../../protocol/fields';
import { ErrorTextValue } from './errorText';

export const DeviceView = z.strictObject({
  device: DeviceId,
  /** Null for the primary (it has no name at the relay) or a name that does not open. */
  name: z.string().max(40).nullable(),
  linkedAt: z.number().int().nonnegative(),
  lastSeenAt: z.number().int().nonnegative().nullable(),
  /** The device that created the account: it links and removes the others. */
  primary: z.boolean(),
  /** This device. */
  current: z.boolean(),
});
export type DeviceView = z.infer<typeof DeviceView>;

/** A linking code as text (parsed and checked by main, never by the renderer). */
export const LinkCodeText = z.string().trim().min(1).max(512);

/** A device name the user gives a new device. */
export const DeviceName = z.string().trim().min(1).max(40);

/** The new device's side of linking. */
export const LinkingView = z.discriminatedUnion('state', [
  /** Showing `code` (as text and QR) until `expiresAt`; a new code replaces it before then. */
  z.strictObject({ state: z.literal('waiting'), code: LinkCodeText, expiresAt: z.number().int().nonnegative() }),
  /** Linked: account.get now returns the account. */
  z.strictObject({ state: z.literal('linked') }),
  z.strictObject({ state: z.literal('failed'), message: z.string().max(500), text: ErrorTextValue }),
]);
export type LinkingView = z.infer<typeof LinkingView>;
