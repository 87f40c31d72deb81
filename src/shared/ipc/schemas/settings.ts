// The desktop app's preferences, kept by main (they matter before a window exists: start minimised, the update
// channel). Per-chat mutes live with the chats in the renderer's database.
import { z } from 'zod';

export const UpdateChannel = z.enum(['stable', 'beta']);
export type UpdateChannel = z.infer<typeof UpdateChannel>;

/** What an OS notification for a new message shows. */
export const NotificationPreview = z.enum(['name-and-text', 'name-only', 'nothing']);
export type NotificationPreview = z.infer<typeof NotificationPreview>;

export const AppSettings = z.strictObject({
  updateChannel: UpdateChannel,
  notificationPreview: NotificationPreview,
  /** Start with the window hidden in the tray. */
  startMinimised: z.boolean(),
  /** Closing the window keeps Parley running in the tray. */
  closeToTray: z.boolean(),
});
export type AppSettings = z.infer<typeof AppSettings>;

export const DEFAULT_APP_SETTINGS: AppSettings = Object.freeze({
  updateChannel: 'stable',
  notificationPreview: 'name-and-text',
  startMinimised: false,
  closeToTray: false,
});

export const AppSettingsChange = AppSettings.partial();
export type AppSettingsChange = z.infer<typeof AppSettingsChange>;
