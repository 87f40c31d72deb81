// When the update banner shows and what it says: progress while a new version downloads and is verified, "restart
// to update" once it is ready (until put off), and failures of a download or of its verification. A failed
// routine check (offline, server down) is not worth a banner: Settings shows it, and the next check retries.
import type { UpdateStatus } from '../../../shared/ipc';
import { tableSentence } from '../../i18n/errorText';

export interface UpdateBannerModel {
  tone: 'info' | 'error';
  text: string;
  /** 0–100 while downloading. */
  progress?: number;
  action?: 'restart' | 'retry';
}

const QUIET_ERRORS = new Set(['check_failed']);

export function updateBanner(status: UpdateStatus, postponed: string | null): UpdateBannerModel | null {
  switch (status.state) {
    case 'available':
      return { tone: 'info', text: `Parley ${status.version} is available. Downloading…`, progress: 0 };
    case 'downloading':
      return { tone: 'info', text: `Downloading Parley ${status.version}… ${status.percent}%`, progress: status.percent };
    case 'verifying':
      return { tone: 'info', text: `Checking that Parley ${status.version} is signed by Parley…` };
    case 'ready':
      return status.version === postponed ? null : { tone: 'info', text: `Parley ${status.version} is ready.`, action: 'restart' };
    case 'error':
      return QUIET_ERRORS.has(status.code) ? null : { tone: 'error', text: `Update failed: ${updateFailure(status.code)}`, action: 'retry' };
    default:
      return null;
  }
}

/** One line for Settings, for every status. */
export function updateStatusText(status: UpdateStatus): string {
  switch (status.state) {
    case 'disabled':
      return tableSentence({ id: 'update.off', params: { cause: status.reason } });
    case 'idle':
      return 'Parley checks for updates when it starts and every few hours.';
    case 'checking':
      return 'Checking for updates…';
    case 'up-to-date':
      return `Parley is up to date (checked ${new Date(status.checkedAt).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })}).`;
    case 'available':
      return `Parley ${status.version} is available. Downloading…`;
    case 'downloading':
      return `Downloading Parley ${status.version}… ${status.percent}%`;
    case 'verifying':
      return `Checking the signature of Parley ${status.version}…`;
    case 'ready':
      return `Parley ${status.version} is downloaded and verified. Restart to update.`;
    case 'error':
      return updateFailure(status.code);
  }
}

function updateFailure(code: string): string {
  return tableSentence({ id: 'update.failed', params: { cause: code } });
}
