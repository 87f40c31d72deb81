// Coalesces the frames written to one TCP socket within one event-loop turn into a single write. A group commit
// answers many sends and pushes many deliveries in one turn, often several to the same device; written one by
// one, each frame costs its own writev syscall (the largest single cost of the relay under load). The first
// frame of a turn corks the socket and a nextTick — which runs after the turn's promise continuations, where the
// `sent` answers are written — uncorks it, so no frame ever waits past the turn that produced it.

/** The part of a net.Socket (or any Writable) that corking needs. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

export class TickCork {
  private corked = false;

  constructor(private readonly stream: Corkable) {}

  /** Call before writing: the write joins this turn's batch. */
  hold(): void {
    if (this.corked) return;
    this.corked = true;
    this.stream.cork();
    process.nextTick(this.release);
  }

  private readonly release = (): void => {
    this.corked = false;
    this.stream.uncork();
  };
}
