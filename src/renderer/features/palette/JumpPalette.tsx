// Ctrl/Cmd+K: type part of a name, arrows to choose, Enter to open the chat.
import { useChats } from '../../store/chats';
import { useDialogs } from '../../store/dialogs';
import { Dialog } from '../../ui/Dialog';
import { ChatPicker } from '../chats/ChatPicker';
import { useChatSummaries } from '../chats/useChatSummaries';

export function JumpPalette() {
  const close = useDialogs((state) => state.close);
  const select = useChats((state) => state.select);
  const summaries = useChatSummaries();

  const open = (conversationId: string) => {
    select(conversationId);
    close();
  };

  return (
    <Dialog title="Jump to a chat" onClose={close} className="palette" hideTitle>
      <ChatPicker
        label="Jump to a chat"
        chats={summaries}
        onChoose={open}
        showUnread
        emptyText={(query) => (summaries?.length === 0 ? 'No chats yet.' : `No chats match “${query}”.`)}
      />
      <p className="palette-hint">
        <kbd>↑</kbd> <kbd>↓</kbd> to choose · <kbd>Enter</kbd> to open · <kbd>Esc</kbd> to close
      </p>
    </Dialog>
  );
}
