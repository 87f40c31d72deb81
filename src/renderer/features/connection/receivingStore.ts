// How many messages from others the current burst of receiving has stored — a catch-up after time away brings
// thousands — for the sidebar's "Receiving messages…". The session notes each stored batch; the burst ends when
// receiving goes quiet (ReceiveWorker.whenQuiet), and the count starts again at the next one.
import { create } from 'zustand';

/** Fewer than this in a burst is ordinary traffic: nothing is shown. */
export const RECEIVING_SHOWN_FROM = 50;

interface ReceivingStore {
  /** Messages from others stored since receiving was last quiet. */
  stored: number;
  /** A batch was stored; `untilQuiet` resolves when receiving has gone quiet. */
  noteStored(count: number, untilQuiet: () => Promise<void>): void;
  reset(): void;
}

let burst: Promise<void> | null = null;

export const useReceiving = create<ReceivingStore>((set) => ({
  stored: 0,
  noteStored(count, untilQuiet) {
    set((state) => ({ stored: state.stored + count }));
    burst ??= untilQuiet()
      .catch(() => undefined)
      .then(() => {
        burst = null;
        set({ stored: 0 });
      });
  },
  reset() {
    set({ stored: 0 });
  },
}));
