// Lets the page's own work go first (input, a frame that is due, other IndexedDB answers) before background database
// work takes its next step: the scheduler's yield where the browser has it, else a message to itself — never a
// timer, which browsers clamp and delay in a hidden window.

interface Scheduler {
  yield?: () => Promise<void>;
}

/** Resolves in a task of its own, after what the page had queued. */
export function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Scheduler }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
