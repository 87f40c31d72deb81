// A delivery as a mailbox stream entry holds it: one field, named by its head "<sender user>:<sender device>:<message
// id>:<sent at>" (usernames and message ids hold no colon), whose value is the payload. One field rather than one per
// part keeps each append (and its copy in the AOF and to replicas) short. Entries written before this layout have a
// field per part (m, u, d, t, p, and from b0fedc1 an x that is not read): they are still read. A relay of that
// earlier layout cannot read the new one, so relays that share a Redis are upgraded together (docs/operations.md).
import type { Address } from '../../../shared/protocol';
import type { StoredDelivery } from '../relay-store';
import { deliveryName } from './redis-keys';

/** The field name of a delivery's entry. */
export function entryHead(sender: Address, messageId: string, sentAt: number): string {
  return `${deliveryName(sender, messageId)}:${sentAt}`;
}

/** A stream entry as XRANGE gives it (id "0-<seq>", then field, value, …), in either layout. */
export function readEntry(id: Buffer, flat: readonly Buffer[]): StoredDelivery {
  const seq = Number(id.toString('latin1').slice(2));
  if (flat.length === 2) {
    const head = flat[0]!.toString('utf8');
    const [user = '', device = '', messageId = '', sentAt = ''] = head.split(':');
    return { seq, messageId, from: { user, device: Number(device) }, payload: new Uint8Array(flat[1]!), sentAt: Number(sentAt) };
  }
  const fields = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!.toString('utf8'), flat[i + 1]!);
  const text = (name: string) => fields.get(name)?.toString('utf8') ?? '';
  return {
    seq,
    messageId: text('m'),
    from: { user: text('u'), device: Number(text('d')) },
    payload: new Uint8Array(fields.get('p') ?? Buffer.alloc(0)),
    sentAt: Number(text('t')),
  };
}
