// The shape of `window.parley`: deliberately untyped at the boundary (the preload passes data through and main
// validates it); src/renderer/ipc.ts layers the contract's types on top.
import type { IpcResult } from './errors';

export interface ParleyBridge {
  invoke(channel: string, request: unknown): Promise<IpcResult<unknown>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** The global name the preload (or the browser-shell bridge) installs. */
export const BRIDGE_GLOBAL = 'parley';
