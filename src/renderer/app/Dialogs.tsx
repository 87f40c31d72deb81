// Renders the open dialog, if any (one at a time, from the dialogs store).
import { useDialogs } from '../store/dialogs';
import { ContactInfoDialog } from '../features/contacts/ContactInfoDialog';
import { NewChatDialog } from '../features/contacts/NewChatDialog';
import { ForwardDialog } from '../features/forward/ForwardDialog';
import { MessageInfoDialog } from '../features/forward/MessageInfoDialog';
import { GroupInfoDialog } from '../features/groups/GroupInfoDialog';
import { NewGroupDialog } from '../features/groups/NewGroupDialog';
import { JoinGroupDialog } from '../features/groups/invites/JoinGroupDialog';
import { TransfersDialog } from '../features/media/TransfersDialog';
import { JumpPalette } from '../features/palette/JumpPalette';
import { SettingsDialog } from '../features/settings/SettingsDialog';

export function Dialogs() {
  const open = useDialogs((state) => state.open);
  switch (open?.kind) {
    case undefined:
      return null;
    case 'newChat':
      return <NewChatDialog suggested={open.username} fromLink={open.fromLink} />;
    case 'newGroup':
      return <NewGroupDialog />;
    case 'settings':
      return <SettingsDialog />;
    case 'transfers':
      return <TransfersDialog />;
    case 'palette':
      return <JumpPalette />;
    case 'contactInfo':
      return <ContactInfoDialog key={open.username} username={open.username} />;
    case 'groupInfo':
      return <GroupInfoDialog key={open.groupId} groupId={open.groupId} />;
    case 'joinGroup':
      return <JoinGroupDialog key={open.token} token={open.token} />;
    case 'forward':
      return <ForwardDialog key={open.message.seq} message={open.message} />;
    case 'messageInfo':
      return <MessageInfoDialog key={open.message.seq} message={open.message} />;
  }
}
