// How relays that share one Redis tell each other about devices, over Redis pub/sub, one channel per device:
//   a `deliver` frame (protocol v2, docs/protocol.md: its first byte 0x81, then seq, sent at, message id, sender and
//                payload of each): deliveries another node has just stored in the device's mailbox, decoded and
//                checked by the codec like any frame; its live connection takes them as if committed here, so it
//                need not read them back (the pump still reads the mailbox whenever they do not follow what it
//                pushed). A frame of one envelope with seq 0 is an ephemeral envelope (a typing notice), never
//                stored: handed on if the device is held here;
//   `w`          the device's mailbox grew on another node by more than a bus message carries: read it (wake);
//   `c <n>`      a connection of the device became live somewhere with generation n (an INCR in the device's slot);
//                a node holding an older generation ends its connection with `replaced`, as one node always did.
// A node subscribes to a device's channel while it holds that device's live connection. Pub/sub is not durable and
// need not be: the mailbox is. A wake lost while the subscriber reconnects is made good by waking every local
// connection once it is back; a claim lost then leaves the older connection open until either side reconnects.
// Provisioning addresses (devices waiting to be linked) are shared the same way: a key per address, set with the
// address's expiry by the node holding the connection and deleted by whichever node's link takes it, and a channel
// per address on which that node hands the provisioning message to the holder. A message lost on the way (the
// holder's subscriber reconnecting) leaves the device linked but never told, as a connection dropping would.
import { z } from 'zod';
import {
  DeviceId,
  MAX_DELIVERIES_PER_FRAME,
  MAX_PROVISION_BODY_BYTES,
  SERVER_FRAME_CODES,
  Username,
  base64Bytes,
  decodeServerFrame,
  encodeServerFrame,
  normalizeUsername,
  type Address,
  type DeliveredEnvelope,
} from '../../shared/protocol';
import type { ProvisioningMessage, SharedProvisioning } from '../devices/provisioning-registry';
import { KEY_PREFIX } from '../store/redis/redis-keys';
import type { RedisClient } from '../store/redis/redis-scripts';
import type { StoredDelivery } from '../store/relay-store';

export interface DeviceBusEvents {
  /** A link on another node took the provisioning address of a connection here. */
  provisioned(address: string, message: ProvisioningMessage): void;
  /** Another node stored these deliveries for this device (in mailbox order). */
  delivered(device: Address, deliveries: StoredDelivery[]): void;
  /** Another node stored deliveries for this device that it did not send along: read the mailbox. */
  wake(device: Address): void;
  /** A newer connection of this device is live on another node. */
  replaced(device: Address): void;
  /** The bus lost its subscriptions for a while: every local connection should look at its mailbox. */
  resubscribed(): void;
  /** An ephemeral envelope sent through another node for this device. */
  ephemeral(device: Address, delivery: DeliveredEnvelope): void;
}

export interface DeviceBus extends SharedProvisioning {
  /**
   * This node now holds `device`'s live connection: listen for it and end older ones elsewhere. Settles once this node
   * listens (its subscription to the device's channel is in place): whatever another node stores for the device from
   * then on reaches it, so the connection reads its mailbox only after that. Ending older connections goes on.
   */
  claim(device: Address): Promise<void>;
  /** This node no longer holds a connection of `device`. */
  release(device: Address): void;
  /**
   * Hands just-stored deliveries to whichever node holds each recipient, one PUBLISH per device (devices connected
   * nowhere cost one PUBLISH that no one hears); a device's deliveries of more than BUS_DELIVERY_MAX_BYTES of
   * payload go as a wake instead.
   */
  delivered(deliveries: ReadonlyArray<{ recipient: Address; delivery: StoredDelivery }>): void;
  /** Hands an ephemeral envelope to whichever node holds each device; lost, like any ephemeral send, if none does. */
  ephemeral(devices: readonly Address[], delivery: DeliveredEnvelope): void;
  close(): Promise<void>;
}

/** Payload bytes one bus message carries at most; more is announced with a wake and read from the mailbox. */
export const BUS_DELIVERY_MAX_BYTES = 64 * 1024;

/** A provisioning message on the bus, checked like the link_device frame it came from. */
const ProvisioningMessageSchema = z.strictObject({ user: Username, device: DeviceId, body: base64Bytes({ maxBytes: MAX_PROVISION_BODY_BYTES }) });

const CHANNEL_PREFIX = `${KEY_PREFIX}dev:`;
/** Channel and key of a provisioning address (base64url: no colon, no brace). */
const PROVISIONING_PREFIX = `${KEY_PREFIX}prov:`;

function channelOf(device: Address): string {
  return `${CHANNEL_PREFIX}${normalizeUsername(device.user)}:${device.device}`;
}

function generationKey(device: Address): string {
  return `${KEY_PREFIX}{${normalizeUsername(device.user)}}:gen:${device.device}`;
}

function deviceOf(channel: string): Address | undefined {
  if (!channel.startsWith(CHANNEL_PREFIX)) return undefined;
  const rest = channel.slice(CHANNEL_PREFIX.length);
  const colon = rest.lastIndexOf(':');
  const device = Number(rest.slice(colon + 1));
  return colon > 0 && Number.isSafeInteger(device) ? { user: rest.slice(0, colon), device } : undefined;
}

export class RedisDeviceBus implements DeviceBus {
  /** The generation of each device's live connection on this node, by channel. */
  private readonly held = new Map<string, number>();
  /** The newest generation announced by others while this node was still claiming, by channel. */
  private readonly announced = new Map<string, number>();
  /** Per held channel: settles once it is subscribed. */
  private readonly listening = new Map<string, Promise<void>>();
  private everReady = false;

  private constructor(
    private readonly redis: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly events: DeviceBusEvents,
    private readonly onError: (error: unknown) => void,
  ) {
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString('latin1'), message));
    subscriber.on('ready', () => {
      if (this.everReady) this.events.resubscribed();
      this.everReady = true;
    });
    subscriber.on('error', (error: unknown) => this.onError(error));
  }

  static async open(redis: RedisClient, events: DeviceBusEvents, onError: (error: unknown) => void): Promise<RedisDeviceBus> {
    const subscriber = redis.duplicate();
    const bus = new RedisDeviceBus(redis, subscriber, events, onError);
    await subscriber.connect();
    return bus;
  }

  claim(device: Address): Promise<void> {
    const channel = channelOf(device);
    let listening = this.listening.get(channel);
    this.held.set(channel, Number.POSITIVE_INFINITY); // claiming: its generation is not known yet
    if (listening === undefined) {
      const subscribing = this.subscriber.subscribe(channel).then(
        () => undefined,
        (error: unknown) => {
          if (this.listening.get(channel) === subscribing) this.listening.delete(channel); // the next claim tries again
          throw error;
        },
      );
      this.listening.set(channel, subscribing);
      listening = subscribing;
    }
    // A failed subscription is the caller's to report; a failed announcement is the bus's.
    listening.then(
      () => this.announce(channel, device).catch((error: unknown) => this.onError(error)),
      () => undefined,
    );
    return listening;
  }

  /** Takes the device's next connection generation and tells older connections elsewhere to end. */
  private async announce(channel: string, device: Address): Promise<void> {
    if (!this.held.has(channel)) return; // released while subscribing
    const generation = await this.redis.incr(generationKey(device));
    const newer = this.announced.get(channel) ?? 0;
    this.announced.delete(channel);
    if (!this.held.has(channel)) return; // released while claiming
    this.held.set(channel, generation);
    if (newer > generation) return this.replace(channel, device);
    await this.redis.publish(channel, `c ${generation}`);
  }

  release(device: Address): void {
    const channel = channelOf(device);
    if (!this.held.delete(channel)) return;
    this.listening.delete(channel);
    this.subscriber.unsubscribe(channel).catch((error: unknown) => this.onError(error));
  }

  delivered(deliveries: ReadonlyArray<{ recipient: Address; delivery: StoredDelivery }>): void {
    const byChannel = new Map<string, { bytes: number; deliveries: StoredDelivery[] }>();
    for (const { recipient, delivery } of deliveries) {
      const channel = channelOf(recipient);
      const entry = byChannel.get(channel) ?? { bytes: 0, deliveries: [] };
      entry.bytes += delivery.payload.length;
      entry.deliveries.push(delivery);
      byChannel.set(channel, entry);
    }
    for (const [channel, { bytes, deliveries: list }] of byChannel) {
      if (bytes > BUS_DELIVERY_MAX_BYTES) {
        this.redis.publish(channel, 'w').catch((error: unknown) => this.onError(error));
        continue;
      }
      for (let start = 0; start < list.length; start += MAX_DELIVERIES_PER_FRAME) {
        const message = busMessage(list.slice(start, start + MAX_DELIVERIES_PER_FRAME));
        this.redis.publish(channel, message).catch((error: unknown) => this.onError(error));
      }
    }
  }

  ephemeral(devices: readonly Address[], delivery: DeliveredEnvelope): void {
    const message = busMessage([{ ...delivery, seq: 0 }]);
    for (const device of devices) this.redis.publish(channelOf(device), message).catch((error: unknown) => this.onError(error));
  }

  async holdAddress(address: string, ttlMs: number): Promise<void> {
    const name = `${PROVISIONING_PREFIX}${address}`;
    await this.subscriber.subscribe(name);
    await this.redis.set(name, '1', 'PX', ttlMs);
  }

  async addressHeld(address: string): Promise<boolean> {
    return (await this.redis.exists(`${PROVISIONING_PREFIX}${address}`)) === 1;
  }

  async takeAddress(address: string): Promise<boolean> {
    return (await this.redis.del(`${PROVISIONING_PREFIX}${address}`)) === 1;
  }

  sendProvisioning(address: string, message: ProvisioningMessage): void {
    this.redis.publish(`${PROVISIONING_PREFIX}${address}`, JSON.stringify(message)).catch((error: unknown) => this.onError(error));
  }

  dropAddress(address: string): void {
    const name = `${PROVISIONING_PREFIX}${address}`;
    this.redis.del(name).catch((error: unknown) => this.onError(error));
    this.subscriber.unsubscribe(name).catch((error: unknown) => this.onError(error));
  }

  async close(): Promise<void> {
    this.held.clear();
    this.listening.clear();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private receive(channel: string, message: Buffer): void {
    if (channel.startsWith(PROVISIONING_PREFIX)) return this.receiveProvisioning(channel.slice(PROVISIONING_PREFIX.length), message.toString('utf8'));
    const device = deviceOf(channel);
    const mine = this.held.get(channel);
    if (device === undefined || mine === undefined) return;
    if (message[0] === SERVER_FRAME_CODES.deliver) return this.receiveDeliveries(device, message);
    const text = message.toString('latin1');
    if (text === 'w') return this.events.wake(device);
    const generation = text.startsWith('c ') ? Number(text.slice(2)) : Number.NaN;
    if (!Number.isSafeInteger(generation)) return;
    if (mine === Number.POSITIVE_INFINITY) this.announced.set(channel, Math.max(generation, this.announced.get(channel) ?? 0));
    else if (generation > mine) this.replace(channel, device);
  }

  private receiveProvisioning(address: string, json: string): void {
    let parsed: ReturnType<typeof ProvisioningMessageSchema.safeParse>;
    try {
      parsed = ProvisioningMessageSchema.safeParse(JSON.parse(json));
    } catch (error) {
      return this.onError(error);
    }
    if (!parsed.success) return this.onError(new Error('malformed provisioning message on the device bus'));
    this.events.provisioned(address, parsed.data);
  }

  /**
   * Stored deliveries (seq 1 or more) or one ephemeral envelope (seq 0), checked by the codec like a frame from the
   * network (Redis is the operator's, yet what comes off it is checked): a malformed message reaches no one.
   */
  private receiveDeliveries(device: Address, message: Buffer): void {
    // A copy: the payloads the codec returns are views, and the client's reply buffer may be reused.
    const decoded = decodeServerFrame(new Uint8Array(message));
    if (!decoded.ok || decoded.frame.type !== 'deliver') return this.onError(new Error('malformed deliveries on the device bus'));
    const { deliveries } = decoded.frame;
    if (deliveries.length === 1 && deliveries[0]!.seq === 0) return this.events.ephemeral(device, deliveries[0]!);
    if (deliveries.some((delivery) => delivery.seq === 0)) return this.onError(new Error('malformed deliveries on the device bus'));
    this.events.delivered(device, deliveries);
  }

  private replace(channel: string, device: Address): void {
    this.held.delete(channel);
    this.listening.delete(channel);
    this.subscriber.unsubscribe(channel).catch((error: unknown) => this.onError(error));
    this.events.replaced(device);
  }
}

/** Deliveries as a bus message: a `deliver` frame. */
function busMessage(deliveries: DeliveredEnvelope[]): Buffer {
  const frame = encodeServerFrame({ type: 'deliver', deliveries });
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}
