// Whether notifications may be shown. Reading Notification.permission asks the browser process synchronously, which
// is slow while it is busy storing a catch-up, and notifyNewMessages asks once per stored batch: the answer is kept
// for a second (a permission changed in the system's settings shows at the next batch after that).
const KEPT_MS = 1_000;

let kept: { permission: NotificationPermission; at: number } | null = null;

/** 'unsupported' where there is no Notification API. */
export function notificationPermission(now: number): NotificationPermission | 'unsupported' {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (!kept || now - kept.at >= KEPT_MS || now < kept.at) kept = { permission: Notification.permission, at: now };
  return kept.permission;
}
