// The sidebar's way to the transfers list: shown while anything uploads or downloads, with how many. At the start
// of a session it asks main for transfers that began before this window (they resume by themselves).
import { useEffect } from 'react';
import { useDialogs } from '../../store/dialogs';
import { Icon } from '../../ui/Icon';
import { movingIds, useMedia } from './mediaStore';

export function TransfersButton() {
  const count = useMedia((state) => movingIds(state).length);
  const show = useDialogs((state) => state.show);
  useEffect(() => {
    useMedia
      .getState()
      .loadTransfers()
      .catch(() => undefined);
  }, []);
  if (count === 0) return null;
  const label = `Transfers, ${count} in progress`;
  return (
    <button type="button" className="icon-button transfers-button" onClick={() => show({ kind: 'transfers' })} aria-label={label} title={label}>
      <Icon name="transfers" />
      <span className="transfers-count" aria-hidden>
        {count}
      </span>
    </button>
  );
}
