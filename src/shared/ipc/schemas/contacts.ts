// Contacts as the renderer sees them: a username, its identity key and whether the user verified it.
import { z } from 'zod';
import { Username } from '../../protocol/fields';

export const ContactView = z.strictObject({
  username: Username,
  /** Base64 identity public key currently trusted for this contact. */
  identityKey: z.string(),
  /** The user compared safety numbers and marked this contact verified. */
  verified: z.boolean(),
  /**
   * The contact's identity key changed since it was first seen. For a verified contact, sending is held until
   * the user accepts the new key (contacts.acceptIdentity).
   */
  identityChanged: z.boolean(),
  addedAt: z.number().int(),
  /** Blocked: their messages are dropped unread and nothing goes to them one to one (they are not told). */
  blocked: z.boolean(),
});
export type ContactView = z.infer<typeof ContactView>;

/** 60 digits, shown as 12 groups of 5; both sides compute the same number. */
export const SafetyNumber = z.string().regex(/^\d{60}$/);

export const SafetyNumberView = z.strictObject({
  username: Username,
  safetyNumber: SafetyNumber,
  verified: z.boolean(),
});
export type SafetyNumberView = z.infer<typeof SafetyNumberView>;
