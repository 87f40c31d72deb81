// What the IPC handlers need from the update channel. The Electron shell provides the UpdateService; shells that
// do not update themselves (the browser shell) provide `noUpdates`, which says why.
import { AppError, type UpdateChannel, type UpdateOffReason, type UpdateView } from '../../../shared/ipc';
import type { UpdateService } from './UpdateService';

export type UpdatesPort = Pick<UpdateService, 'view' | 'check' | 'restart' | 'channelChanged'>;

export interface UpdatesWiring {
  /** The channel setting, read at each check. */
  channel: () => UpdateChannel;
  /** Where status changes go (the updates.changed event). */
  onChange: (view: UpdateView) => void;
}

export function noUpdates(currentVersion: string, reason: UpdateOffReason, channel: () => UpdateChannel): UpdatesPort {
  const view = (): UpdateView => ({ currentVersion, channel: channel(), status: { state: 'disabled', reason } });
  return {
    view,
    check: async () => view(),
    restart: () => {
      throw new AppError('update_not_ready', { id: 'update.not_ready' }, false, reason);
    },
    channelChanged: () => undefined,
  };
}
