// The words for a disappearing-message timer: its length, and the system line a change leaves in the chat.

const UNITS: [seconds: number, one: string][] = [
  [7 * 24 * 60 * 60, 'week'],
  [24 * 60 * 60, 'day'],
  [60 * 60, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** "30 seconds", "5 minutes", "1 week"; "off" for 0. */
export function timerLength(seconds: number): string {
  if (seconds === 0) return 'off';
  for (const [size, unit] of UNITS) {
    if (seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${unit}${count === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

export function describeTimer(seconds: number, by: string, me: string): string {
  const who = by === me ? 'You' : by;
  return seconds === 0 ? `${who} turned off disappearing messages.` : `${who} set disappearing messages to ${timerLength(seconds)}.`;
}
