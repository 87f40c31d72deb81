// Bench-side RabbitMQ client (amqplib), the durable peer a developer would pick instead of a relay: each device has
// its own AMQP connection and one durable quorum queue (its mailbox). A send is a persistent publish to the
// recipient's queue on a confirm channel: the broker's confirm (after the quorum queue's log is synced) is the
// sender's "sent". A device consumes its queue with manual acks and a prefetch of 1,024 (Parley's delivery window),
// and acks what one turn received with one cumulative ack (`allUpTo`), as Parley's client acks a stored batch.
import amqp from 'amqplib';
import { inBatches, urlOf, type DeviceSlot, type LoadDriver, type LoadEvents } from './load-driver';

const CONNECT_CONCURRENCY = 32;
/** Unacked deliveries per consumer, like Parley's default delivery window. */
const PREFETCH = 1_024;

interface Device {
  connection: amqp.ChannelModel;
  channel: amqp.ConfirmChannel;
}

export class RabbitMqDriver implements LoadDriver {
  private readonly devices: Device[] = [];
  private closing = false;

  constructor(
    private readonly urls: readonly string[],
    private readonly runTag: string,
    private readonly payload: Buffer,
    private readonly events: LoadEvents,
  ) {}

  queueOf(global: number): string {
    return `${this.runTag}-${global}`;
  }

  async connect(devices: readonly DeviceSlot[]): Promise<void> {
    await inBatches(devices, CONNECT_CONCURRENCY, async ({ global, local }) => {
      const connection = await amqp.connect(urlOf(this.urls, global));
      const channel = await connection.createConfirmChannel();
      connection.on('error', () => {
        // Reported through 'close'.
      });
      connection.on('close', () => {
        if (!this.closing) this.events.failed(local, undefined, 'connection_closed');
      });
      const queue = this.queueOf(global);
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await channel.prefetch(PREFETCH);
      let last: amqp.ConsumeMessage | undefined;
      let scheduled = false;
      await channel.consume(
        queue,
        (message) => {
          if (message === null) return;
          this.events.delivered(local, String(message.properties.messageId));
          last = message;
          if (scheduled) return;
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            if (last !== undefined && !this.closing) channel.ack(last, true);
            last = undefined;
          });
        },
        { noAck: false },
      );
      this.devices[local] = { connection, channel };
    });
  }

  send(local: number, toGlobal: number, messageId: string): void {
    const device = this.devices[local];
    if (device === undefined) throw new Error(`no connection for device ${local}`);
    device.channel.publish('', this.queueOf(toGlobal), this.payload, { persistent: true, messageId }, (error) => {
      if (error) this.events.failed(local, messageId, 'nack');
      else this.events.acked(local, messageId);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await inBatches(this.devices, CONNECT_CONCURRENCY, async (device) => {
      await device.connection.close().catch(() => undefined);
    });
  }
}
