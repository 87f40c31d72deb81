// Bounds the connections that have not proven who they are: every TCP connection holds a slot from accept until
// its device authenticates, it turns out to be a plain HTTP request, or it closes. Past the cap for one source
// address, or in total, a new connection is cut at once — before the relay parses a byte of it — so a flood of
// half-open or idle sockets cannot use up the relay's memory or file descriptors. Authenticated devices are never
// counted: they are bounded by the accounts that exist.
import type { Socket } from 'node:net';

export interface AdmissionLimits {
  /** Unauthenticated connections at once, from all addresses. */
  total: number;
  /** Unauthenticated connections at once from one remote address. */
  perAddress: number;
}

export class UnauthenticatedConnections {
  private readonly held = new Map<Socket, string>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly limits: AdmissionLimits) {}

  get size(): number {
    return this.held.size;
  }

  /** A new TCP connection: takes a slot, or answers false (the caller cuts it). */
  admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (this.held.size >= this.limits.total || fromAddress >= this.limits.perAddress) return false;
    this.held.set(socket, address);
    this.perAddress.set(address, fromAddress + 1);
    socket.once('close', () => this.release(socket));
    return true;
  }

  /** The connection authenticated (or is a plain HTTP request, governed by request timeouts): frees its slot. */
  release(socket: Socket): void {
    const address = this.held.get(socket);
    if (address === undefined) return;
    this.held.delete(socket);
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
  }
}
