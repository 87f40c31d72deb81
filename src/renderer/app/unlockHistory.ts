// At unlock the renderer asks main for its history key (IPC `history.key`, checked against the contract here
// too) and imports it as non-extractable WebCrypto keys. Main may still be opening its vault: a retryable
// answer is asked again, a little later each time, until the session stops.
import { HistoryKeyView } from '../../shared/ipc';
import { fromBase64 } from '../../shared/encoding/base64';
import { importHistoryKeys, type HistoryKeys } from '../db/atRest/historyKeys';
import { IpcError, invoke } from '../ipc';

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

export async function unlockHistory(stopped: () => boolean): Promise<HistoryKeys> {
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      const { key } = HistoryKeyView.parse(await invoke('history.key', {}));
      return await importHistoryKeys(fromBase64(key));
    } catch (error) {
      if (!(error instanceof IpcError && error.retryable) || stopped()) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
