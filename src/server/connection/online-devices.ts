// The live, authenticated connection of each device address: at most one. A newer connection replaces the
// older one, which the caller closes with 4010. Listeners hear when this node starts and stops holding a device
// (relays sharing one Redis tell each other through them).
import { addressKey, type Address } from '../../shared/protocol';

export interface OnlineListener {
  /** May return a promise that settles once this node listens for what other nodes store for the device. */
  claimed(address: Address): Promise<void> | void;
  released(address: Address): void;
}

export interface Claim<Connection> {
  /** The connection this one replaced, if any (the caller closes it). */
  replaced: Connection | undefined;
  /** Settles once deliveries stored anywhere from now on reach this node: read the mailbox after it. Never rejects. */
  listening: Promise<void>;
}

export class OnlineDevices<Connection> {
  private readonly byAddress = new Map<string, Connection>();

  constructor(private readonly listener?: OnlineListener) {}

  /** Makes `connection` the live one for `address`. */
  claim(address: Address, connection: Connection): Claim<Connection> {
    const key = addressKey(address);
    const previous = this.byAddress.get(key);
    this.byAddress.set(key, connection);
    const listening = Promise.resolve(this.listener?.claimed(address)).catch(() => undefined);
    return { replaced: previous === connection ? undefined : previous, listening };
  }

  /** Removes `connection` only if it is still the live one (a replaced connection must not evict its successor). */
  release(address: Address, connection: Connection): void {
    const key = addressKey(address);
    if (this.byAddress.get(key) !== connection) return;
    this.byAddress.delete(key);
    this.listener?.released(address);
  }

  get(address: Address): Connection | undefined {
    return this.byAddress.get(addressKey(address));
  }

  get size(): number {
    return this.byAddress.size;
  }

  all(): IterableIterator<Connection> {
    return this.byAddress.values();
  }
}
