// THE typed IPC contract: every invoke channel and every event between the renderer and main.
// Main validates requests (and the sender) against it before a handler runs; the preload builds window.parley
// from it; the renderer takes its types from it. Adding a channel is one entry here plus one handler in main.
import { z } from 'zod';
import { Username } from '../protocol/fields';
import { AccountView, AppInfo, ConnectionSnapshot, Empty, RelayUrl } from './schemas';

const invoke = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) => ({ request, response });

export const invokeChannels = {
  /** Version, which shell hosts the renderer, and defaults such as the local relay URL. */
  'app.info': invoke(Empty, AppInfo),
  /** The account on this device, or null before onboarding. */
  'account.get': invoke(Empty, AccountView.nullable()),
  /** Generates identity keys in main, registers the username with the relay and stores the account. */
  'account.create': invoke(z.strictObject({ username: Username, relayUrl: RelayUrl }), AccountView),
  'connection.get': invoke(Empty, ConnectionSnapshot),
  /** Connect now instead of waiting for the next backoff step. */
  'connection.retry': invoke(Empty, ConnectionSnapshot),
} as const;

export const eventChannels = {
  'connection.changed': ConnectionSnapshot,
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type RequestOf<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['request']>;
export type ParsedRequestOf<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['response']>;
export type EventOf<E extends EventChannel> = z.output<(typeof eventChannels)[E]>;

export const INVOKE_CHANNELS = Object.keys(invokeChannels) as InvokeChannel[];
export const EVENT_CHANNELS = Object.keys(eventChannels) as EventChannel[];

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.hasOwn(invokeChannels, name);
}

export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.hasOwn(eventChannels, name);
}
