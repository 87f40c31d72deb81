// What the browser shell's host sends the page's bridge (docs/architecture.md, "Testing without Electron"): the result
// of an invoke, or an event. Checked by hand: the bridge runs before the app starts and carries no zod, whose
// schemas cost the page's launch (channelNames.ts).
export type HostMessage = { kind: 'result'; id: number; result: unknown } | { kind: 'event'; event: string; payload: unknown };

const FIELDS = { result: ['kind', 'id', 'result'], event: ['kind', 'event', 'payload'] } as const;

/** The message if it is one of the two shapes with no other field, else null. */
export function readHostMessage(value: unknown): HostMessage | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const message = value as Record<string, unknown>;
  const kind = message.kind;
  if (kind !== 'result' && kind !== 'event') return null;
  const fields: readonly string[] = FIELDS[kind];
  if (!Object.keys(message).every((key) => fields.includes(key))) return null;
  if (kind === 'result' ? !Number.isInteger(message.id) : typeof message.event !== 'string') return null;
  return message as HostMessage;
}
