// Shows an OS notification (the web Notification API, which Electron and the browser shell both route to the
// system) for messages that just arrived: one per chat per batch, none for muted chats or the chat the user is
// looking at (notificationPolicy.ts decides, and writes the text). Clicking it opens that chat and brings Parley
// forward. A sender who shared a profile is named by it.
import type { NotificationPreview, ReceivedMessage } from '../../../shared/ipc';
import { notificationContent, shouldNotify, type NotifiedMessage } from '../../../shared/notifications/notificationPolicy';
import { groupIdOf } from '../../db/conversations';
import { conversationMute } from '../../db/mutes';
import { invoke } from '../../ipc';
import { useAppSettings } from '../../store/appSettings';
import { useChats } from '../../store/chats';
import { useGroups } from '../../store/groups';
import { useProfiles } from '../../store/profiles';
import { describeAttachments } from '../media/describeAttachments';
import { notificationPermission } from './notificationPermission';
import type { Session } from '../../store/session';

async function previewSetting(): Promise<NotificationPreview> {
  const loaded = useAppSettings.getState().settings;
  return (loaded ?? (await useAppSettings.getState().load())).notificationPreview;
}

function textOf(message: ReceivedMessage): string {
  if (message.content.kind === 'text') return message.content.body;
  if (message.content.kind === 'media') return describeAttachments(message.content.attachments, message.content.caption);
  return 'New message';
}

function openFromNotification(conversationId: string): void {
  useChats.getState().select(conversationId);
  window.focus();
  void invoke('app.showWindow', {}).catch(() => undefined);
}

export async function notifyNewMessages(session: Pick<Session, 'db' | 'me'>, messages: readonly ReceivedMessage[]): Promise<void> {
  if (notificationPermission(Date.now()) !== 'granted') return;
  const byConversation = new Map<string, ReceivedMessage[]>();
  for (const message of messages) {
    const received = byConversation.get(message.conversationId);
    if (received) received.push(message);
    else byConversation.set(message.conversationId, [message]);
  }
  const preview = await previewSetting();
  const now = Date.now();
  for (const [conversationId, received] of byConversation) {
    const fromOthers = received.filter((message) => message.sender.user !== session.me);
    const context = { windowFocused: document.hasFocus(), openConversationId: useChats.getState().selected, mute: await conversationMute(session.db, conversationId), now };
    if (fromOthers.length === 0 || !shouldNotify({ conversationId, fromMe: false }, context)) continue;
    const groupId = groupIdOf(conversationId);
    const group = groupId === null ? null : (useGroups.getState().groups[groupId]?.name ?? 'a group');
    const profiles = useProfiles.getState().others;
    const notified: NotifiedMessage[] = fromOthers.map((message) => ({ sender: profiles[message.sender.user]?.name ?? message.sender.user, text: textOf(message) }));
    const { title, body, dir } = notificationContent(preview, notified, group);
    const notification = new Notification(title, { body, dir, tag: conversationId });
    notification.onclick = () => {
      notification.close();
      openFromNotification(conversationId);
    };
  }
}
