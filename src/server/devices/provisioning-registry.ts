// Devices waiting to be linked: each provisioning connection gets a random address, usable once and until it
// expires. The connection lives in one relay process; with relays sharing a store (Redis), the address is known to
// all of them through `SharedProvisioning` (the device bus), so the primary's link may reach any node: the node that
// takes the address hands the provisioning message to the node holding the connection.
import { randomBytes } from 'node:crypto';

export interface WaitingDevice {
  /** Hands the provisioning message to the waiting connection and closes it. */
  deliver(user: string, device: number, body: string): void;
}

/** What a link hands to the device waiting at a provisioning address. */
export interface ProvisioningMessage {
  user: string;
  device: number;
  body: string;
}

/** Provisioning addresses shared by every relay on one store. */
export interface SharedProvisioning {
  /** This node waits at `address` until it expires in `ttlMs`, and listens for its message. */
  holdAddress(address: string, ttlMs: number): Promise<void>;
  /** Whether some node waits at `address`. */
  addressHeld(address: string): Promise<boolean>;
  /** Takes `address` for one link: true for exactly one caller, on whichever node. */
  takeAddress(address: string): Promise<boolean>;
  /** Hands the message to the node waiting at `address` (that node calls `received`). */
  sendProvisioning(address: string, message: ProvisioningMessage): void;
  /** This node no longer waits at `address`. */
  dropAddress(address: string): void;
}

export class ProvisioningRegistry<Waiting extends WaitingDevice = WaitingDevice> {
  private readonly waiting = new Map<string, Waiting>();

  /** Alone, addresses are this process's; with `shared`, every relay on the store knows them for `ttlMs`. */
  constructor(private readonly shared?: { via: SharedProvisioning; ttlMs: number }) {}

  /** A fresh address for `connection` (128 random bits, base64url), known to the other relays once this resolves. */
  async open(connection: Waiting): Promise<string> {
    const address = randomBytes(16).toString('base64url');
    this.waiting.set(address, connection);
    await this.shared?.via.holdAddress(address, this.shared.ttlMs);
    return address;
  }

  /** Whether someone is waiting at `address` now. */
  async has(address: string): Promise<boolean> {
    return this.shared === undefined ? this.waiting.has(address) : this.shared.via.addressHeld(address);
  }

  /** Takes the device waiting at `address`, here or on another relay: an address serves once. */
  async take(address: string): Promise<WaitingDevice | undefined> {
    if (this.shared === undefined) return this.remove(address);
    const { via } = this.shared;
    if (!(await via.takeAddress(address))) return undefined;
    return this.remove(address) ?? { deliver: (user, device, body) => via.sendProvisioning(address, { user, device, body }) };
  }

  /** Another relay took an address of a connection here: hands its message on. */
  received(address: string, message: ProvisioningMessage): void {
    this.remove(address)?.deliver(message.user, message.device, message.body);
  }

  /** The connection went away or its address expired. */
  close(address: string, connection: Waiting): void {
    if (this.waiting.get(address) === connection) this.remove(address);
  }

  get size(): number {
    return this.waiting.size;
  }

  private remove(address: string): Waiting | undefined {
    const connection = this.waiting.get(address);
    if (connection === undefined) return undefined;
    this.waiting.delete(address);
    this.shared?.via.dropAddress(address);
    return connection;
  }
}
