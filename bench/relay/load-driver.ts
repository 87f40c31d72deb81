// The seam between the load generator and one messaging system: connect a set of devices, send one message
// from a local device to any device, and report what comes back. The generator owns scheduling and statistics;
// a driver only speaks its system's protocol, as cheaply as a real client could.

export interface LoadEvents {
  /** The system accepted the send (Parley: `sent`, i.e. durable; socket.io: the ack callback). */
  acked(local: number, messageId: string): void;
  /** The system refused the send, or the connection died with it in flight. */
  failed(local: number, messageId: string | undefined, code: string): void;
  /** A message arrived at a local device (the driver acks it to the system if the protocol wants that). */
  delivered(local: number, messageId: string): void;
}

export type DriverName = 'parley' | 'socketio' | 'rabbitmq';

/** A device of the run (`global`, 0…devices-1) as one generator knows it (`local`, its index there). */
export interface DeviceSlot {
  global: number;
  local: number;
}

export interface LoadDriver {
  /** Connects (registering and authenticating where the system has that) these devices; may be called again with more. */
  connect(devices: readonly DeviceSlot[]): Promise<void>;
  send(local: number, toGlobal: number, messageId: string): void;
  close(): Promise<void>;
}

/** The server a device talks to: devices are spread over the nodes of a cluster round-robin by global index. */
export function urlOf(urls: readonly string[], global: number): string {
  const url = urls[global % urls.length];
  if (url === undefined) throw new Error('no server URL');
  return url;
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function inBatches<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
