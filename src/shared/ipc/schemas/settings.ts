// The desktop app's preferences, kept by main (they matter before a window exists: start minimised, the update
// channel). Per-chat mutes live with the chats in the renderer's database.
import { z } from 'zod';
import { MAX_ATTACHMENT_BYTES } from '../../media/attachmentFormat';

export const UpdateChannel = z.enum(['stable', 'beta']);
export type UpdateChannel = z.infer<typeof UpdateChannel>;

/** What an OS notification for a new message shows. */
export const NotificationPreview = z.enum(['name-and-text', 'name-only', 'nothing']);
export type NotificationPreview = z.infer<typeof NotificationPreview>;

const MIB = 1024 * 1024;
/** The sizes offered for files that download by themselves: 0 is never, the largest any file (2 GiB). */
export const AUTO_DOWNLOAD_SIZES: readonly number[] = [0, 5 * MIB, 16 * MIB, 50 * MIB, 100 * MIB, 500 * MIB, MAX_ATTACHMENT_BYTES];
const AutoDownloadSize = z.number().refine((bytes) => AUTO_DOWNLOAD_SIZES.includes(bytes), 'not an offered size');

/** Up to which size each kind of received file downloads as its message arrives (larger ones wait for a click). */
export const AutoDownloadLimits = z.strictObject({ image: AutoDownloadSize, video: AutoDownloadSize, audio: AutoDownloadSize, file: AutoDownloadSize });
export type AutoDownloadLimits = z.infer<typeof AutoDownloadLimits>;

export const AppSettings = z.strictObject({
  updateChannel: UpdateChannel,
  notificationPreview: NotificationPreview,
  /** Start with the window hidden in the tray. */
  startMinimised: z.boolean(),
  /** Closing the window keeps Parley running in the tray. */
  closeToTray: z.boolean(),
  autoDownload: AutoDownloadLimits,
});
export type AppSettings = z.infer<typeof AppSettings>;

export const DEFAULT_APP_SETTINGS: AppSettings = Object.freeze({
  updateChannel: 'stable',
  notificationPreview: 'name-and-text',
  startMinimised: false,
  closeToTray: false,
  // Pictures, voice notes and documents up to 16 MB come by themselves, videos (larger by nature) up to 50 MB.
  autoDownload: Object.freeze({ image: 16 * MIB, video: 50 * MIB, audio: 16 * MIB, file: 16 * MIB }),
});

export const AppSettingsChange = AppSettings.partial();
export type AppSettingsChange = z.infer<typeof AppSettingsChange>;
