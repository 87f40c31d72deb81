// Dead-peer detection for one connection. A ping goes out every interval; after each ping, the relay must show any
// sign of life (any frame) within the timeout or the peer is declared dead. A network that goes silent right after
// the last frame is thus detected within interval + timeout, even if the socket never closes.
import type { Clock, TimerHandle } from './clock';

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Sends one ping. The response is not awaited here: any inbound frame counts. */
  sendPing(): void;
  onDead(silentForMs: number): void;
}

export class Heartbeat {
  private pingTimer: TimerHandle | undefined;
  private deadline: TimerHandle | undefined;
  private lastHeardAt: number;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly options: HeartbeatOptions,
  ) {
    this.lastHeardAt = clock.now();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastHeardAt = this.clock.now();
    this.schedulePing();
  }

  /** Call for every frame received from the relay. */
  heard(): void {
    this.lastHeardAt = this.clock.now();
    if (this.deadline !== undefined) {
      this.clock.clearTimeout(this.deadline);
      this.deadline = undefined;
    }
  }

  stop(): void {
    this.running = false;
    if (this.pingTimer !== undefined) this.clock.clearTimeout(this.pingTimer);
    if (this.deadline !== undefined) this.clock.clearTimeout(this.deadline);
    this.pingTimer = undefined;
    this.deadline = undefined;
  }

  /** Pings now instead of waiting for the interval, e.g. when the OS reports a network change. */
  probe(): void {
    if (this.running) this.ping();
  }

  private schedulePing(): void {
    this.pingTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.ping();
      if (this.running) this.schedulePing();
    }, this.options.intervalMs);
  }

  private ping(): void {
    this.options.sendPing();
    if (!this.running) return; // the write failed and the connection already ended
    // Only arm a deadline if none is pending, so it is measured from the first unanswered ping.
    if (this.deadline !== undefined) return;
    this.deadline = this.clock.setTimeout(() => {
      this.deadline = undefined;
      if (!this.running) return;
      this.stop();
      this.options.onDead(this.clock.now() - this.lastHeardAt);
    }, this.options.timeoutMs);
  }
}
