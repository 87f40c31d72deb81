// How times and days read in the UI (the user's locale, their time zone).
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

const DAY_MS = 86_400_000;

/** A key for the local calendar day of a time: equal for times on the same day. */
export function dayKey(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

function startOfDay(time: number): number {
  const date = new Date(time);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

export function formatTime(time: number): string {
  return timeFormat.format(time);
}

/** The whole date and time, to the second (a message time's tooltip). */
export function formatFullDate(time: number): string {
  return fullFormat.format(time);
}

/** "Today", "Yesterday", a weekday within the last week, else the full date. */
export function formatDay(time: number, now = Date.now()): string {
  const days = Math.round((startOfDay(now) - startOfDay(time)) / DAY_MS);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return weekdayFormat.format(time);
  return longDateFormat.format(time);
}

/** The chat list's time column: the time today, else the weekday or a short date. */
export function formatListTime(time: number, now = Date.now()): string {
  const days = Math.round((startOfDay(now) - startOfDay(time)) / DAY_MS);
  if (days === 0) return formatTime(time);
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return weekdayFormat.format(time).slice(0, 3);
  return shortDateFormat.format(time);
}
