// The composer's paperclip: opens the file picker (several files at once) and puts the picks in the tray.
import { useRef } from 'react';
import { Icon } from '../../ui/Icon';
import { usePendingFiles } from './pendingFiles';

export function AttachButton({ conversationId }: { conversationId: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="composer-tool" aria-label="Attach files" title="Attach files" onClick={() => input.current?.click()}>
        <Icon name="attach" size={20} />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          event.target.value = '';
          if (files.length > 0) void usePendingFiles.getState().add(conversationId, files);
        }}
      />
    </>
  );
}
