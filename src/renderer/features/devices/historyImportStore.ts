// How the history the primary sent along is coming in on this device, for the banner across the top.
import { create } from 'zustand';

export type HistoryImportProgress =
  | { state: 'idle' }
  /** Main is fetching and checking the archive. */
  | { state: 'waiting' }
  | { state: 'importing'; done: number; total: number }
  | { state: 'done'; total: number }
  | { state: 'failed'; message: string };

interface HistoryImportStore {
  progress: HistoryImportProgress;
  dismiss(): void;
}

export const useHistoryImport = create<HistoryImportStore>((set) => ({
  progress: { state: 'idle' },
  dismiss: () => set({ progress: { state: 'idle' } }),
}));
