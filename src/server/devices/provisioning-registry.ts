// Devices waiting to be linked: each provisioning connection gets a random address, usable once and until it
// expires. Lives in this relay process only (a provisioning connection and the primary's link must reach the same
// relay node; docs/protocol.md, "Linked devices").
import { randomBytes } from 'node:crypto';

export interface WaitingDevice {
  /** Hands the provisioning message to the waiting connection and closes it. */
  deliver(user: string, device: number, body: string): void;
}

export class ProvisioningRegistry<Waiting extends WaitingDevice = WaitingDevice> {
  private readonly waiting = new Map<string, Waiting>();

  /** A fresh address for `connection`: 128 random bits, base64url. */
  open(connection: Waiting): string {
    const address = randomBytes(16).toString('base64url');
    this.waiting.set(address, connection);
    return address;
  }

  /** Whether someone is waiting at `address` now. */
  has(address: string): boolean {
    return this.waiting.has(address);
  }

  /** Takes the connection waiting at `address`: an address serves once. */
  take(address: string): Waiting | undefined {
    const connection = this.waiting.get(address);
    this.waiting.delete(address);
    return connection;
  }

  /** The connection went away or its address expired. */
  close(address: string, connection: Waiting): void {
    if (this.waiting.get(address) === connection) this.waiting.delete(address);
  }

  get size(): number {
    return this.waiting.size;
  }
}
