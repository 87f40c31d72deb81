// The auto-update channel as the renderer sees it: one status, changed by main as it checks, downloads and verifies.
import { z } from 'zod';
import { UpdateChannel } from './settings';

const Version = z.string().max(64);

/** Why this build does not update itself; the renderer's string table says it ('update.off'). */
export const UpdateOffReason = z.enum(['no_feed', 'bad_feed_url', 'no_release_key', 'not_self_updating', 'browser_shell']);
export type UpdateOffReason = z.infer<typeof UpdateOffReason>;

export const UpdateStatus = z.discriminatedUnion('state', [
  /** This build has no update feed or no release key (development builds, builds made without them). */
  z.strictObject({ state: z.literal('disabled'), reason: UpdateOffReason }),
  z.strictObject({ state: z.literal('idle') }),
  z.strictObject({ state: z.literal('checking') }),
  z.strictObject({ state: z.literal('up-to-date'), checkedAt: z.number() }),
  z.strictObject({ state: z.literal('available'), version: Version }),
  z.strictObject({
    state: z.literal('downloading'),
    version: Version,
    transferred: z.number().nonnegative(),
    total: z.number().nonnegative(),
    percent: z.number().min(0).max(100),
  }),
  z.strictObject({ state: z.literal('verifying'), version: Version }),
  /** Downloaded and its release signature verified: restarting installs it. */
  z.strictObject({ state: z.literal('ready'), version: Version }),
  /** `code`: what failed (UpdateService), which the renderer's string table says ('update.failed'). */
  z.strictObject({ state: z.literal('error'), code: z.string().max(64) }),
]);
export type UpdateStatus = z.infer<typeof UpdateStatus>;

export const UpdateView = z.strictObject({ currentVersion: Version, channel: UpdateChannel, status: UpdateStatus });
export type UpdateView = z.infer<typeof UpdateView>;
