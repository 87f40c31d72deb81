// The live, authenticated connection of each device address: at most one. A newer connection replaces the
// older one, which the caller closes with 4010.
import { addressKey, type Address } from '../../shared/protocol';

export class OnlineDevices<Connection> {
  private readonly byAddress = new Map<string, Connection>();

  /** Makes `connection` the live one for `address`; returns the connection it replaced, if any. */
  claim(address: Address, connection: Connection): Connection | undefined {
    const key = addressKey(address);
    const previous = this.byAddress.get(key);
    this.byAddress.set(key, connection);
    return previous === connection ? undefined : previous;
  }

  /** Removes `connection` only if it is still the live one (a replaced connection must not evict its successor). */
  release(address: Address, connection: Connection): void {
    const key = addressKey(address);
    if (this.byAddress.get(key) === connection) this.byAddress.delete(key);
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
