// The live, authenticated connection of each device address: at most one. A newer connection replaces the
// older one, which the caller closes with 4010. Listeners hear when this node starts and stops holding a device
// (relays sharing one Redis tell each other through them).
import { addressKey, type Address } from '../../shared/protocol';

export interface OnlineListener {
  claimed(address: Address): void;
  released(address: Address): void;
}

export class OnlineDevices<Connection> {
  private readonly byAddress = new Map<string, Connection>();

  constructor(private readonly listener?: OnlineListener) {}

  /** Makes `connection` the live one for `address`; returns the connection it replaced, if any. */
  claim(address: Address, connection: Connection): Connection | undefined {
    const key = addressKey(address);
    const previous = this.byAddress.get(key);
    this.byAddress.set(key, connection);
    this.listener?.claimed(address);
    return previous === connection ? undefined : previous;
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
