// The primary's history for a device about to be linked: main gathers what the renderer reads from its history
// (history.startExport, then batches through history.addToExport); devices.link then seals and sends it.
import type { ParleyDatabase } from '../../db/database';
import { exportHistory } from '../../db/historyExport';
import { invoke } from '../../ipc';

/** The export id for devices.link; reports messages read of all there are. */
export async function exportForLink(db: ParleyDatabase, since: number | null, onProgress: (read: number, total: number) => void): Promise<string> {
  const { exportId } = await invoke('history.startExport', { since });
  await exportHistory(db, since, async (batch) => void (await invoke('history.addToExport', { exportId, ...batch })), onProgress);
  return exportId;
}
