// Transient notices in the corner, announced politely to screen readers.
import { useNotices } from '../store/notices';
import { Icon } from '../ui/Icon';

export function Notices() {
  const notices = useNotices((state) => state.notices);
  const dismiss = useNotices((state) => state.dismiss);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice-toast notice-${notice.tone}`}>
          <span>{notice.text}</span>
          <button type="button" className="icon-button" onClick={() => dismiss(notice.id)} aria-label="Dismiss">
            <Icon name="close" size={16} />
          </button>
        </div>
      ))}
    </div>
  );
}
